import { XinError } from "../runtime";

/** A brand as users name it: by id, slug or name, in a tenant named by id or name. */
export type BrandCandidate = {
  id: string;
  slug: string;
  name: string;
  tenant_id: string;
  tenant_name: string;
  language: string;
};

/**
 * The one rule for "which brand does the user mean", for every command and route: `ref` matches a
 * brand's id, slug or name (within `tenantRef`, an id or name, when given); with no `ref`, the only
 * brand there is. `candidates` must hold every brand `ref` could name (all of them when `ref` is absent).
 */
export const chooseBrand = (
  candidates: readonly BrandCandidate[],
  ref?: string | null,
  tenantRef?: string | null,
): BrandCandidate => {
  const inTenant = tenantRef
    ? candidates.filter((b) => b.tenant_id === tenantRef || b.tenant_name === tenantRef)
    : candidates;
  if (!ref) {
    if (inTenant.length === 1) return inTenant[0];
    if (inTenant.length === 0) {
      throw new XinError("brand.none", `there is no brand${tenantRef ? ` in tenant "${tenantRef}"` : " yet"}`, {
        status: 404,
        exitCode: 1,
        hint: "`xin init` creates the first one",
      });
    }
    const listed = inTenant
      .slice(0, 20)
      .map((b) => `"${b.name}" (${b.slug})`)
      .join(", ");
    throw new XinError(
      "brand.required",
      `--brand is needed: there are ${inTenant.length} brands: ${listed}${inTenant.length > 20 ? ", …" : ""}`,
      {
        status: 400,
        exitCode: 2,
        hint: "name one with --brand (its id, slug or name)",
      },
    );
  }
  const matches = inTenant.filter((b) => b.id === ref || b.slug === ref || b.name === ref);
  if (matches.length === 0) {
    throw new XinError("brand.not_found", `no brand "${ref}"${tenantRef ? ` in tenant "${tenantRef}"` : ""}`, {
      status: 404,
      exitCode: 1,
      hint: "`xin status` lists tenants; a brand is named by its id, slug or name",
    });
  }
  if (matches.length > 1)
    throw new XinError("brand.ambiguous", `"${ref}" names brands in ${matches.length} tenants`, {
      status: 409,
      exitCode: 2,
      hint: "add --tenant NAME",
    });
  return matches[0];
};
