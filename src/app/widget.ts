/**
 * What `xin widget snippet` prints: the `<script>` tag for a brand's widget, at the public URL the
 * site's visitors reach xin by (`server.public_url`, else http://localhost:<port> for a local try).
 */
import { loadSite, snippetOf, unknownWidget } from "../gateway";
import type { Config } from "../runtime/config";
import type { Store } from "../runtime/db";

export type WidgetBrand = { brand_id: string; title: string };
export type WidgetSnippet = WidgetBrand & { base_url: string; snippet: string; demo_url: string };

/** The brand (by id or slug) and its widget title; `widget.unknown_brand` when it has no web channel. */
export const findWidgetBrand = async (store: Store, config: Config, ref: string): Promise<WidgetBrand> => {
  const site = await loadSite(store.db, config.instance_key, ref, { bySlug: true });
  if (!site) throw unknownWidget();
  return { brand_id: site.brandId, title: site.settings.title };
};

export const widgetSnippet = (config: Config, brand: WidgetBrand): WidgetSnippet => {
  const base = (config.server.public_url ?? `http://localhost:${config.server.port}`).replace(/\/$/, "");
  return {
    ...brand,
    base_url: base,
    snippet: snippetOf(base, brand.brand_id),
    demo_url: `${base}/demo/${brand.brand_id}`,
  };
};
