import { describe, expect, test } from "bun:test";
import { chooseBrand, type BrandCandidate } from "./brand-choice";

const brand = (id: string, name: string, tenant: string): BrandCandidate => ({
  id,
  name,
  slug: name.toLowerCase().replace(/\s+/g, "-"),
  tenant_id: `ten_${tenant}`,
  tenant_name: tenant,
  language: "en",
});
const shoes = brand("brd_1", "Acme Shoes", "acme");
const hats = brand("brd_2", "Acme Hats", "acme");
const otherShoes = brand("brd_3", "Acme Shoes", "other");

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "none";
  } catch (e) {
    return (e as { code: string; exitCode?: number }).code + "/" + (e as { exitCode?: number }).exitCode;
  }
};

describe("chooseBrand", () => {
  test("a brand is found by its id, its slug or its name", () => {
    for (const ref of ["brd_1", "acme-shoes", "Acme Shoes"]) expect(chooseBrand([shoes, hats], ref).id).toBe("brd_1");
  });

  test("without a reference the only brand is meant; with several the error lists them as a usage error", () => {
    expect(chooseBrand([shoes]).id).toBe("brd_1");
    expect(chooseBrand([shoes, hats, otherShoes], undefined, "other").id).toBe("brd_3");
    expect(codeOf(() => chooseBrand([shoes, hats]))).toBe("brand.required/2");
    try {
      chooseBrand([shoes, hats]);
    } catch (e) {
      expect((e as Error).message).toContain('"Acme Shoes" (acme-shoes)');
      expect((e as Error).message).toContain('"Acme Hats" (acme-hats)');
    }
    expect(codeOf(() => chooseBrand([]))).toBe("brand.none/1");
  });

  test("a name two tenants use is ambiguous until the tenant is named, by id or name", () => {
    expect(codeOf(() => chooseBrand([shoes, otherShoes], "Acme Shoes"))).toBe("brand.ambiguous/2");
    expect(chooseBrand([shoes, otherShoes], "Acme Shoes", "other").id).toBe("brd_3");
    expect(chooseBrand([shoes, otherShoes], "Acme Shoes", "ten_acme").id).toBe("brd_1");
  });

  test("an unknown brand, or a known one in another tenant, is not found", () => {
    expect(codeOf(() => chooseBrand([shoes], "Nope"))).toBe("brand.not_found/1");
    expect(codeOf(() => chooseBrand([shoes, otherShoes], "brd_1", "other"))).toBe("brand.not_found/1");
  });
});
