/**
 * IPv4/IPv6 addresses and CIDR blocks for the IpAddress / NotIpAddress condition operators. IPv4-mapped IPv6
 * addresses (`::ffff:203.0.113.7`, what Node reports for IPv4 clients on a dual-stack socket) count as IPv4.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface CidrBlock {
  version: 4 | 6;
  /** The network address with host bits cleared. */
  network: bigint;
  prefix: number;
}

function ipv4ToBigint(ip: string): bigint {
  return ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigint(ip: string): bigint {
  let text = ip.split('%')[0];
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToBigint(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IP address; IPv4-mapped IPv6 becomes IPv4. Undefined if `text` is not an address. */
export function parseIp(text: string): IpAddress | undefined {
  const s = text.trim();
  if (isIPv4(s)) return { version: 4, value: ipv4ToBigint(s) };
  if (!isIPv6(s)) return undefined;
  const value = ipv6ToBigint(s);
  if (value >> 32n === 0xffffn) return { version: 4, value: value & 0xffffffffn };
  return { version: 6, value };
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128 block). Undefined if malformed. */
export function parseCidr(text: string): CidrBlock | undefined {
  const [addr, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const s = addr.trim();
  const version = isIPv4(s) ? 4 : isIPv6(s) ? 6 : undefined;
  if (!version) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText.trim())) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText.trim());
  if (prefix > bits) return undefined;
  const value = version === 4 ? ipv4ToBigint(s) : ipv6ToBigint(s);
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return { version, network: value & mask, prefix };
}

/** Whether `ip` lies inside `block`. An IPv4 address is also tested against IPv6 blocks in its mapped form. */
export function cidrContains(block: CidrBlock, ip: IpAddress): boolean {
  if (block.version === 4 && ip.version === 6) return false;
  const value = block.version === 6 && ip.version === 4 ? V4_MAPPED_PREFIX | ip.value : ip.value;
  const bits = block.version === 4 ? 32 : 128;
  const shift = BigInt(bits - block.prefix);
  return value >> shift === block.network >> shift;
}
