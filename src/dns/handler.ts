/**
 * One DNS message in, one out: decodes the query (dns-packet), answers questions in the cluster
 * zone authoritatively, hands everything else to the forwarder unchanged, and encodes the answer —
 * with EDNS when the query had it, truncated (TC, no records) when it doesn't fit a UDP answer.
 *
 *   raw query ─decode─▶ opcode QUERY, one IN question? ─no─▶ NOTIMP / FORMERR / REFUSED
 *                          │ yes
 *                          ▼
 *                    zone.lookup ──forward──▶ upstream answer as is (none: SERVFAIL)
 *                          │ answer
 *                          ▼
 *                    encode (AA, RA, rcode) ─▶ too big for UDP? TC
 */
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet } from 'dns-packet';
import type { Logger } from '../util/log.js';
import type { Forward, Transport } from './forward.js';
import type { Zone } from './zone.js';

export type Handler = (query: Buffer, transport: Transport) => Promise<Buffer | undefined>;

export interface HandlerOptions {
  zone: Zone;
  /** Names outside the zone (absent: REFUSED, like an authoritative-only server). */
  forward?: Forward;
  logger?: Logger;
}

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type Rcode = keyof typeof RCODE;

/** The EDNS payload size we offer, and the classic UDP limit without EDNS. */
const EDNS_PAYLOAD = 1232;
const CLASSIC_UDP = 512;

export function createHandler(options: HandlerOptions): Handler {
  return async (raw, transport) => {
    let query: DecodedPacket & { opcode?: string };
    try {
      query = dnsPacket.decode(raw);
    } catch {
      // undecodable: answer FORMERR if there is at least a header to echo the id from
      return raw.length >= 12 ? headerOnly(raw.readUInt16BE(0), RCODE.FORMERR) : undefined;
    }
    if (query.flag_qr) return undefined; // a response sent to us: never answer those
    const questions = query.questions ?? [];
    const opt = (query.additionals ?? []).find((r) => r.type === 'OPT');
    const reply = (rcode: Rcode, sections: Pick<Packet, 'answers' | 'authorities' | 'additionals'> = {}) =>
      encodeReply(query, rcode, sections, transport, opt);
    if ((query.opcode ?? 'QUERY') !== 'QUERY') return reply('NOTIMP');
    const question = questions[0];
    if (!question || questions.length !== 1) return reply('FORMERR');
    if ((question.class ?? 'IN') !== 'IN') return reply('REFUSED');

    const result = options.zone.lookup(question);
    switch (result.kind) {
      case 'answer': {
        const { answers, authorities, additionals } = result;
        options.logger?.debug({ name: question.name, type: question.type, rcode: result.rcode }, 'dns');
        return reply(result.rcode, { answers, authorities, additionals });
      }
      case 'forward': {
        if (!options.forward) return reply('REFUSED');
        const answer = await options.forward(raw, transport);
        if (!answer) {
          options.logger?.debug({ name: question.name, type: question.type }, 'dns: no upstream answered');
          return reply('SERVFAIL');
        }
        return answer;
      }
      default: {
        const never: never = result;
        throw new Error(`unknown zone result ${JSON.stringify(never)}`);
      }
    }
  };
}

function encodeReply(
  query: DecodedPacket,
  rcode: Rcode,
  sections: Pick<Packet, 'answers' | 'authorities' | 'additionals'>,
  transport: Transport,
  opt: Answer | undefined,
): Buffer {
  const authoritative = rcode === 'NOERROR' || rcode === 'NXDOMAIN';
  let flags =
    (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) |
    dnsPacket.RECURSION_AVAILABLE |
    RCODE[rcode];
  const ednsAnswer: Answer[] = opt
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: EDNS_PAYLOAD,
          extendedRcode: 0,
          ednsVersion: 0,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ]
    : [];
  const packet = (withRecords: boolean): Packet => ({
    type: 'response',
    id: query.id ?? 0,
    flags,
    questions: query.questions ?? [],
    answers: withRecords ? (sections.answers ?? []) : [],
    authorities: withRecords ? (sections.authorities ?? []) : [],
    additionals: [...(withRecords ? (sections.additionals ?? []) : []), ...ednsAnswer],
  });
  const full = dnsPacket.encode(packet(true));
  if (transport === 'tcp') return full;
  const limit =
    opt && opt.type === 'OPT'
      ? Math.max(CLASSIC_UDP, Math.min(opt.udpPayloadSize, EDNS_PAYLOAD))
      : CLASSIC_UDP;
  if (full.length <= limit) return full;
  flags |= dnsPacket.TRUNCATED_RESPONSE;
  return dnsPacket.encode(packet(false));
}

/** A bare header with an rcode (for messages too broken to decode). */
function headerOnly(id: number, rcode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(id, 0);
  b.writeUInt16BE(0x8000 | dnsPacket.RECURSION_AVAILABLE | rcode, 2);
  return b;
}
