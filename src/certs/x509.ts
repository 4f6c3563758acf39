import { X509Certificate } from "node:crypto";
import { XinError } from "../runtime";

export type CertInfo = {
  subjectAltNames: string[];
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** Certificates in the PEM bundle: the leaf and its intermediates. */
  chainLength: number;
};

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads the leaf of a PEM chain: names, issuer, validity. */
export const certInfo = (chainPem: string): CertInfo => {
  const blocks = chainPem.match(PEM_BLOCK) ?? [];
  const leafPem = blocks[0];
  if (!leafPem) throw new XinError("certs.pem_invalid", "the certificate file holds no PEM certificate");
  const leaf = new X509Certificate(leafPem);
  const names = (leaf.subjectAltName ?? "")
    .split(/,\s*/)
    .filter((n) => n.startsWith("DNS:"))
    .map((n) => n.slice(4));
  const cn = /CN=([^\n,]+)/.exec(leaf.issuer)?.[1];
  return {
    subjectAltNames: names,
    issuer: cn ?? leaf.issuer.replace(/\n/g, ", "),
    serial: leaf.serialNumber,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    chainLength: blocks.length,
  };
};
