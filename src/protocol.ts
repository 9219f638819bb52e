/**
 * Transport protocols, shared by the parsers (what a file says) and the registry (what is held):
 * one type, and one meaning of a port written without a protocol.
 */

export const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export function isProtocol(value: string): value is Protocol {
  return (PROTOCOLS as readonly string[]).includes(value);
}

/**
 * The protocol of a port written without one (an env value, a URL, `"5060:5060"`, a request
 * without `--protocol`): tcp, as Compose defaults it.
 */
export function protocolOf(written: Protocol | null | undefined): Protocol {
  return written ?? 'tcp';
}
