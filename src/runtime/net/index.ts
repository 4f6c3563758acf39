// Outbound network policy: what a fetch steered by a tenant or a payload may reach.
export { classifyAddress, ipv4Inside, type AddressVerdict } from "./address-class";
export {
  ALLOW_KEY,
  EgressBlocked,
  EgressGuard,
  isEgressBlocked,
  type CheckedTarget,
  type EgressOptions,
  type Resolve,
} from "./egress";
