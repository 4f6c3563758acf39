// The version lives in runtime, which records it beside each migration it applies.
export { XIN_VERSION } from "../runtime";
