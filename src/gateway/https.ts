import type { Server } from "bun";
import { answerChallenge, certInfo, type CertManager, type ChallengeStore } from "../certs";
import { errorText, type Logger } from "../runtime";
import { listenTls, type TlsListener } from "../runtime/http";
import { normalizeIp } from "../runtime/ip";

export type HttpsDeps = {
  /** `server.https_port`. */
  port: number;
  /** `server.hsts`: send Strict-Transport-Security on HTTPS answers. */
  hsts: boolean;
  /** The certificate source (the instance's CertManager). */
  certs: Pick<CertManager, "current" | "onChange">;
};

const HSTS = "max-age=31536000";

type Fetch<W> = (req: Request, srv: Server<W>) => Promise<Response | undefined>;

const isLoopback = (peer: string | undefined) => {
  const ip = peer ? normalizeIp(peer) : null;
  return ip !== null && (ip === "::1" || ip.startsWith("127."));
};

/**
 * Where a plain-HTTP request goes once HTTPS is served: the same path on the HTTPS port, under the
 * requested name when the certificate covers it (else its first name: a forged Host header never
 * turns this into an open redirect).
 */
export const httpsLocation = (req: Request, names: readonly string[], httpsPort: number): string => {
  const url = new URL(req.url);
  const asked = (req.headers.get("host") ?? "").replace(/:\d+$/, "").toLowerCase();
  const host = names.includes(asked) ? asked : (names[0] ?? asked);
  return `https://${host}${httpsPort === 443 ? "" : `:${httpsPort}`}${url.pathname}${url.search}`;
};

/**
 * The gateway's two listeners. Plain HTTP answers ACME challenges from the store (always, so any
 * instance proves the domain), then, once a certificate is served, redirects to HTTPS — except for
 * loopback peers (the CLI's admin client, local health checks), whose traffic never crosses a network.
 * HTTPS serves the same routes with the current certificate, swapped in place when it is renewed.
 */
export const httpsFront = <W>(deps: { https?: HttpsDeps; challenges?: ChallengeStore; host: string; log: Logger }) => {
  let tls: TlsListener<W> | null = null;
  let names: string[] = [];
  let stopped = false;
  let following = false;

  const plain =
    (routed: Fetch<W>): Fetch<W> =>
    async (req, srv) => {
      const challenge = deps.challenges ? await answerChallenge(deps.challenges, req) : null;
      if (challenge) return challenge;
      if (tls && deps.https && !isLoopback(srv.requestIP(req)?.address)) {
        return new Response(null, { status: 308, headers: { location: httpsLocation(req, names, deps.https.port) } });
      }
      return routed(req, srv);
    };

  const secure =
    (routed: Fetch<W>): Fetch<W> =>
    async (req, srv) => {
      const res = await routed(req, srv);
      if (res && deps.https?.hsts) {
        try {
          res.headers.set("strict-transport-security", HSTS);
        } catch {
          // Immutable headers (a proxied Response): served without the header rather than failing.
        }
      }
      return res;
    };

  return {
    plain,
    port: () => tls?.port() ?? null,
    /** Binds HTTPS when a certificate exists, and follows every new one the manager writes. */
    start: async (routed: Fetch<W>, websocket: Parameters<typeof listenTls<W>>[0]["websocket"]) => {
      stopped = false;
      const https = deps.https;
      if (!https) return;
      const serve = async (pair: { cert: string; key: string }) => {
        if (stopped) return;
        names = certInfo(pair.cert).subjectAltNames;
        if (tls) await tls.swap(pair);
        else
          tls = listenTls<W>(
            { host: deps.host, port: https.port, fetch: secure(routed), websocket, tls: pair },
            deps.log,
          );
      };
      const pair = https.certs.current();
      if (pair) await serve(pair);
      // Once per front: a restarted gateway keeps following the same manager.
      if (!following)
        https.certs.onChange((next) =>
          serve(next).catch((e) =>
            deps.log.error("https listener could not take the new certificate", { err: errorText(e) }),
          ),
        );
      following = true;
    },
    stop: async (deadline: number) => {
      stopped = true;
      const t = tls;
      tls = null;
      await t?.stop(deadline);
    },
  };
};
