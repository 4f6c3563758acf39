// A TLS client that verifies what a listener serves: the chain against a given root (TLS
// verification on, as any browser would) and the name against the certificate's SAN.
import { connect, type PeerCertificate } from "node:tls";

export type Served = { serial: string; subjectAltName: string; issuer: string; chainLength: number };

/** Resolves what `host:port` served for `servername`; rejects with the TLS error a client would see. */
export const probeTls = (port: number, servername: string, ca?: string): Promise<Served> =>
  new Promise((resolve, reject) => {
    const socket = connect(
      { host: "127.0.0.1", port, servername, ...(ca ? { ca } : {}), rejectUnauthorized: true },
      () => {
        const leaf = socket.getPeerCertificate(true);
        let chainLength = 0;
        const seen = new Set<string>();
        for (
          let c: PeerCertificate | undefined = leaf;
          c && !seen.has(c.fingerprint256);
          c = (c as { issuerCertificate?: PeerCertificate }).issuerCertificate
        ) {
          seen.add(c.fingerprint256);
          chainLength++;
        }
        resolve({
          serial: leaf.serialNumber.toLowerCase(),
          subjectAltName: leaf.subjectaltname ?? "",
          issuer: String(leaf.issuer.CN ?? ""),
          chainLength,
        });
        socket.end();
      },
    );
    socket.on("error", reject);
  });
