import pkg from "../../package.json" with { type: "json" };

/** The xin version, from package.json at build time; recorded beside every migration it applies. */
export const XIN_VERSION: string = pkg.version;
