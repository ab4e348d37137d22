/**
 * The Host header check against DNS rebinding: a web page whose name an attacker re-points at
 * 127.0.0.1 reaches the sandbox with its own name in `Host`, so every request (API, OAuth and admin
 * paths alike: the printed client secret and refresh token are as valuable as the admin API) must name
 * the bound address or a loopback name with the port. Real clients send exactly that (fetch sends the
 * URL's host, e.g. `127.0.0.1:PORT` of ZOHO_API_URL).
 */
import { hostname, networkInterfaces } from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** True for an address that only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** True for 0.0.0.0 / :: (every interface). */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** `[::1]` for an IPv6 address, the name itself otherwise. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The Host header values accepted for a server bound to `boundHost`:`port`: the loopback names, the
 * bound address, and for a wildcard bind every interface address and this machine's name. Port 80 may
 * be left out, as clients do.
 */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set([...LOOPBACK_NAMES, urlHost(boundHost.toLowerCase())]);
  if (isWildcardHost(boundHost)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(urlHost(a.address.toLowerCase()));
  }
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

/** True when the Host header names one of `allowed` (case-insensitive). */
export function hostAllowed(header: string | undefined, allowed: Set<string>): boolean {
  return header !== undefined && allowed.has(header.trim().toLowerCase());
}
