import pkg from "../../package.json" with { type: "json" };

/** The xin version, from package.json at build time. */
export const XIN_VERSION: string = pkg.version;
