import { describe, expect, it } from 'vitest';
import { parsePortNumber, parsePortRange, parsePortSpec, PortSpecError, splitProtoPort, type PortSpecEntry } from '../../src/parse/port-spec.js';
import { PROTOCOLS } from '../../src/protocol.js';

const sp = (start: number, end: number) => ({ start, end });

/** An expected entry: only what differs from a bare container-only tcp port needs to be given. */
function e(fields: Pick<PortSpecEntry, 'target' | 'targetSpan'> & Partial<PortSpecEntry>): PortSpecEntry {
  return {
    hostIp: null,
    published: null,
    publishedEnd: null,
    protocol: 'tcp',
    publishedSpan: null,
    hostIpSpan: null,
    rangeIndex: 0,
    ...fields,
  };
}

function reasonOf(fn: () => unknown): { reason: string; offset: number | null; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PortSpecError);
    const { reason, offset, message } = error as PortSpecError;
    return { reason, offset, message };
  }
  throw new Error('expected a PortSpecError');
}

type Accepted = [spec: string, entries: PortSpecEntry[]];
type Rejected = [spec: string, reason: string, offset: number];

// compose-go types/types_test.go, TestParsePortConfig (accepted inputs).
const composeAccepted: Accepted[] = [
  ['80', [e({ target: 80, targetSpan: sp(0, 2) })]],
  ['80:8080', [e({ published: 80, publishedSpan: sp(0, 2), target: 8080, targetSpan: sp(3, 7) })]],
  ['80-90:8080', [e({ published: 80, publishedEnd: 90, publishedSpan: sp(0, 5), target: 8080, targetSpan: sp(6, 10) })]],
  ['8080:80/tcp', [e({ published: 8080, publishedSpan: sp(0, 4), target: 80, targetSpan: sp(5, 7) })]],
  ['80:8080/udp', [e({ published: 80, publishedSpan: sp(0, 2), target: 8080, targetSpan: sp(3, 7), protocol: 'udp' })]],
  [
    '80-81:8080-8081/tcp',
    [
      e({ published: 80, publishedSpan: sp(0, 5), target: 8080, targetSpan: sp(6, 15) }),
      e({ published: 81, publishedSpan: sp(0, 5), target: 8081, targetSpan: sp(6, 15), rangeIndex: 1 }),
    ],
  ],
  [
    '80-82:8080-8082/udp',
    [
      e({ published: 80, publishedSpan: sp(0, 5), target: 8080, targetSpan: sp(6, 15), protocol: 'udp' }),
      e({ published: 81, publishedSpan: sp(0, 5), target: 8081, targetSpan: sp(6, 15), protocol: 'udp', rangeIndex: 1 }),
      e({ published: 82, publishedSpan: sp(0, 5), target: 8082, targetSpan: sp(6, 15), protocol: 'udp', rangeIndex: 2 }),
    ],
  ],
  [
    '80-82:8080/udp',
    [
      e({
        published: 80,
        publishedEnd: 82,
        publishedSpan: sp(0, 5),
        target: 8080,
        targetSpan: sp(6, 10),
        protocol: 'udp',
      }),
    ],
  ],
  // A one-port host "range" is a plain port (Compose reports Published "80").
  ['80-80:8080/tcp', [e({ published: 80, publishedSpan: sp(0, 5), target: 8080, targetSpan: sp(6, 10) })]],
  [
    '1.1.1.1:80:80',
    [
      e({
        hostIp: '1.1.1.1',
        hostIpSpan: sp(0, 7),
        published: 80,
        publishedSpan: sp(8, 10),
        target: 80,
        targetSpan: sp(11, 13),
      }),
    ],
  ],
];

// compose-go types/types_test.go, TestParsePortConfig (rejected inputs; messages are go-connections'
// current lower-case ones, the compose-go test still spells them with a capital letter).
const composeRejected: Rejected[] = [
  ['9999999', 'invalid containerPort: 9999999', 0],
  ['80/xyz', 'invalid proto: xyz', 3],
  ['tcp', 'invalid containerPort: tcp', 0],
  ['udp', 'invalid containerPort: udp', 0],
  ['', 'no port specified: <empty>', 0],
];

// go-connections nat/nat_test.go: TestParsePortSpecFull, TestPartPortSpecIPV6, TestParsePortSpecs,
// TestParsePortSpecsWithRange, TestParseNetworkOpts*, TestStringer (inputs; expectations per the
// PortMapping/PortBinding each test checks).
const natAccepted: Accepted[] = [
  [
    '0.0.0.0:1234-1235:3333-3334/tcp',
    [
      e({
        hostIp: '0.0.0.0',
        hostIpSpan: sp(0, 7),
        published: 1234,
        publishedSpan: sp(8, 17),
        target: 3333,
        targetSpan: sp(18, 27),
      }),
      e({
        hostIp: '0.0.0.0',
        hostIpSpan: sp(0, 7),
        published: 1235,
        publishedSpan: sp(8, 17),
        target: 3334,
        targetSpan: sp(18, 27),
        rangeIndex: 1,
      }),
    ],
  ],
  ['[2001:4860:0:2001::68]::333', [e({ hostIp: '2001:4860:0:2001::68', hostIpSpan: sp(1, 21), target: 333, targetSpan: sp(24, 27) })]],
  ['[::1]:80:80', [e({ hostIp: '::1', hostIpSpan: sp(1, 4), published: 80, publishedSpan: sp(6, 8), target: 80, targetSpan: sp(9, 11) })]],
  ['2001:4860:0:2001::68::333', [e({ hostIp: '2001:4860:0:2001::68', hostIpSpan: sp(0, 20), target: 333, targetSpan: sp(22, 25) })]],
  ['::1:80:80', [e({ hostIp: '::1', hostIpSpan: sp(0, 3), published: 80, publishedSpan: sp(4, 6), target: 80, targetSpan: sp(7, 9) })]],
  ['::::80', [e({ hostIp: '::', hostIpSpan: sp(0, 2), target: 80, targetSpan: sp(4, 6) })]],
  ['1234/tcp', [e({ target: 1234, targetSpan: sp(0, 4) })]],
  ['2345/udp', [e({ target: 2345, targetSpan: sp(0, 4), protocol: 'udp' })]],
  ['3456/sctp', [e({ target: 3456, targetSpan: sp(0, 4), protocol: 'sctp' })]],
  ['1234:1234/tcp', [e({ published: 1234, publishedSpan: sp(0, 4), target: 1234, targetSpan: sp(5, 9) })]],
  ['3456:3456/sctp', [e({ published: 3456, publishedSpan: sp(0, 4), target: 3456, targetSpan: sp(5, 9), protocol: 'sctp' })]],
  [
    '0.0.0.0:2345:2345/udp',
    [
      e({
        hostIp: '0.0.0.0',
        hostIpSpan: sp(0, 7),
        published: 2345,
        publishedSpan: sp(8, 12),
        target: 2345,
        targetSpan: sp(13, 17),
        protocol: 'udp',
      }),
    ],
  ],
  [
    '1234-1236/tcp',
    [
      e({ target: 1234, targetSpan: sp(0, 9) }),
      e({ target: 1235, targetSpan: sp(0, 9), rangeIndex: 1 }),
      e({ target: 1236, targetSpan: sp(0, 9), rangeIndex: 2 }),
    ],
  ],
  [
    '2345-2347:2345-2347/udp',
    [
      e({ published: 2345, publishedSpan: sp(0, 9), target: 2345, targetSpan: sp(10, 19), protocol: 'udp' }),
      e({ published: 2346, publishedSpan: sp(0, 9), target: 2346, targetSpan: sp(10, 19), protocol: 'udp', rangeIndex: 1 }),
      e({ published: 2347, publishedSpan: sp(0, 9), target: 2347, targetSpan: sp(10, 19), protocol: 'udp', rangeIndex: 2 }),
    ],
  ],
  [
    '0.0.0.0:3456-3457:3456-3457/sctp',
    [
      e({
        hostIp: '0.0.0.0',
        hostIpSpan: sp(0, 7),
        published: 3456,
        publishedSpan: sp(8, 17),
        target: 3456,
        targetSpan: sp(18, 27),
        protocol: 'sctp',
      }),
      e({
        hostIp: '0.0.0.0',
        hostIpSpan: sp(0, 7),
        published: 3457,
        publishedSpan: sp(8, 17),
        target: 3457,
        targetSpan: sp(18, 27),
        protocol: 'sctp',
        rangeIndex: 1,
      }),
    ],
  ],
  ['192.168.1.100::80', [e({ hostIp: '192.168.1.100', hostIpSpan: sp(0, 13), target: 80, targetSpan: sp(15, 17) })]],
  [
    '192.168.1.100:8080:80',
    [
      e({
        hostIp: '192.168.1.100',
        hostIpSpan: sp(0, 13),
        published: 8080,
        publishedSpan: sp(14, 18),
        target: 80,
        targetSpan: sp(19, 21),
      }),
    ],
  ],
  ['192.168.1.100::6000/udp', [e({ hostIp: '192.168.1.100', hostIpSpan: sp(0, 13), target: 6000, targetSpan: sp(15, 19), protocol: 'udp' })]],
  ['192.168.1.100::6000/sctp', [e({ hostIp: '192.168.1.100', hostIpSpan: sp(0, 13), target: 6000, targetSpan: sp(15, 19), protocol: 'sctp' })]],
  [':8080:6000/tcp', [e({ published: 8080, publishedSpan: sp(1, 5), target: 6000, targetSpan: sp(6, 10) })]],
  ['::6000', [e({ target: 6000, targetSpan: sp(2, 6) })]],
  [
    '[::1]:8080:6000/udp',
    [
      e({
        hostIp: '::1',
        hostIpSpan: sp(1, 4),
        published: 8080,
        publishedSpan: sp(6, 10),
        target: 6000,
        targetSpan: sp(11, 15),
        protocol: 'udp',
      }),
    ],
  ],
  ['[::1]::6000/udp', [e({ hostIp: '::1', hostIpSpan: sp(1, 4), target: 6000, targetSpan: sp(7, 11), protocol: 'udp' })]],
  [
    '::1:8080:6000/udp',
    [
      e({
        hostIp: '::1',
        hostIpSpan: sp(0, 3),
        published: 8080,
        publishedSpan: sp(4, 8),
        target: 6000,
        targetSpan: sp(9, 13),
        protocol: 'udp',
      }),
    ],
  ],
  ['::::6000/udp', [e({ hostIp: '::', hostIpSpan: sp(0, 2), target: 6000, targetSpan: sp(4, 8), protocol: 'udp' })]],
];

// go-connections nat/nat_test.go: TestParsePortSpecs / TestParsePortSpecsWithRange ("localhost"),
// TestParseNetworkOptsPublicNoPort, TestParseNetworkOptsNegativePorts, TestParsePortSpecEmptyContainerPort.
const natRejected: Rejected[] = [
  ['localhost:1234:1234/tcp', 'invalid IP address: localhost', 0],
  ['localhost:1234-1236:1234-1236/tcp', 'invalid IP address: localhost', 0],
  ['192.168.1.100', 'invalid containerPort: 192.168.1.100', 0],
  ['192.168.1.100:-1:-1', 'invalid containerPort: -1', 17],
  ['0.0.0.0:1234-1235:/tcp', 'no port specified: 0.0.0.0:1234-1235:/tcp<empty>', 18],
  ['0.0.0.0:1234-1235:', 'no port specified: 0.0.0.0:1234-1235:<empty>', 18],
];

// The cases named in the task, plus corners of the same code path (bracket handling of
// net.SplitHostPort, net.ParseIP, strconv.ParseInt). Not from a reference test file.
const moreAccepted: Accepted[] = [
  ['[::1]:8080:80', [e({ hostIp: '::1', hostIpSpan: sp(1, 4), published: 8080, publishedSpan: sp(6, 10), target: 80, targetSpan: sp(11, 13) })]],
  ['[::1]::80', [e({ hostIp: '::1', hostIpSpan: sp(1, 4), target: 80, targetSpan: sp(7, 9) })]],
  [
    '8000-8001:80-81',
    [
      e({ published: 8000, publishedSpan: sp(0, 9), target: 80, targetSpan: sp(10, 15) }),
      e({ published: 8001, publishedSpan: sp(0, 9), target: 81, targetSpan: sp(10, 15), rangeIndex: 1 }),
    ],
  ],
  ['8000-8010:80', [e({ published: 8000, publishedEnd: 8010, publishedSpan: sp(0, 9), target: 80, targetSpan: sp(10, 12) })]],
  [
    '80-82',
    [e({ target: 80, targetSpan: sp(0, 5) }), e({ target: 81, targetSpan: sp(0, 5), rangeIndex: 1 }), e({ target: 82, targetSpan: sp(0, 5), rangeIndex: 2 })],
  ],
  [
    '127.0.0.1:5000:3000/UDP',
    [
      e({
        hostIp: '127.0.0.1',
        hostIpSpan: sp(0, 9),
        published: 5000,
        publishedSpan: sp(10, 14),
        target: 3000,
        targetSpan: sp(15, 19),
        protocol: 'udp',
      }),
    ],
  ],
  ['3000/', [e({ target: 3000, targetSpan: sp(0, 4) })]],
  // Port 0 passes nat.parsePortNumber (range 0–65535), as does a sign or leading zeros (ParseInt).
  ['0:0', [e({ published: 0, publishedSpan: sp(0, 1), target: 0, targetSpan: sp(2, 3) })]],
  ['+80:0080', [e({ published: 80, publishedSpan: sp(0, 3), target: 80, targetSpan: sp(4, 8) })]],
  // SplitHostPort("[]:") gives an empty host, which nat then treats as "no IP".
  ['[]:8080:80', [e({ published: 8080, publishedSpan: sp(3, 7), target: 80, targetSpan: sp(8, 10) })]],
  ['[1.2.3.4]:8080:80', [e({ hostIp: '1.2.3.4', hostIpSpan: sp(1, 8), published: 8080, publishedSpan: sp(10, 14), target: 80, targetSpan: sp(15, 17) })]],
  [
    '::ffff:10.0.0.1:8080:80',
    [
      e({
        hostIp: '::ffff:10.0.0.1',
        hostIpSpan: sp(0, 15),
        published: 8080,
        publishedSpan: sp(16, 20),
        target: 80,
        targetSpan: sp(21, 23),
      }),
    ],
  ],
];

const moreRejected: Rejected[] = [
  // "[::1]:80" splits as IP "[:", host "1]", container "80".
  ['[::1]:80', "invalid IP address [:: address [::: missing ']' in address", 0],
  ['[::1]x:80:80', 'invalid IP address [::1]x: address [::1]x:: missing port in address', 0],
  ['[::1]:80:80:80', 'invalid IP address [::1]:80: address [::1]:80:: too many colons in address', 0],
  ['[[::1]:80:80', "invalid IP address [[::1]: address [[::1]:: unexpected '[' in address", 0],
  ['1.2.3.4:80', 'invalid hostPort: 1.2.3.4', 0],
  ['8000-8002:80-81', 'invalid ranges specified for container and host Ports: 80-81 and 8000-8002', 0],
  ['80:8000-8001', 'invalid ranges specified for container and host Ports: 8000-8001 and 80', 0],
  ['65536', 'invalid containerPort: 65536', 0],
  ['65536:80', 'invalid hostPort: 65536', 0],
  ['abc:80', 'invalid hostPort: abc', 0],
  ['80-79', 'invalid containerPort: 80-79', 0],
  ['1-2-3', 'invalid containerPort: 1-2-3', 0],
  [' 80', 'invalid containerPort:  80', 0],
  ['80/tcp/udp', 'invalid proto: tcp/udp', 3],
  ['80/icmp', 'invalid proto: icmp', 3],
  ['/udp', 'no port specified: /udp<empty>', 0],
  ['80:', 'no port specified: 80:<empty>', 3],
  ['127.0.0.01:80:80', 'invalid IP address: 127.0.0.01', 0],
  ['1.2.3:80:80', 'invalid IP address: 1.2.3', 0],
  ['fe80::1%eth0:80:80', 'invalid IP address: fe80::1%eth0', 0],
  ['1:2:3:4:5:6:7:8:9:80:80', 'invalid IP address: 1:2:3:4:5:6:7:8:9', 0],
  ['::1:2:3:4:5:6:7:8:80:80', 'invalid IP address: ::1:2:3:4:5:6:7:8', 0],
  ['12345::1:80:80', 'invalid IP address: 12345::1', 0],
];

describe('parsePortSpec', () => {
  describe.each([
    ['compose-go types_test.go', composeAccepted],
    ['go-connections nat_test.go', natAccepted],
    ['task cases and corners', moreAccepted],
  ] as const)('accepts (%s)', (_source, table) => {
    it.each(table)('%j', (spec, expected) => {
      const entries = parsePortSpec(spec);
      expect(entries).toEqual(expected);
      // The spans point at the text they describe.
      for (const entry of entries) {
        const { start, end } = entry.targetSpan;
        expect(Number(spec.slice(start, end).split('-')[0])).toBe(entry.target - entry.rangeIndex);
        if (entry.hostIpSpan) expect(spec.slice(entry.hostIpSpan.start, entry.hostIpSpan.end)).toBe(entry.hostIp);
      }
    });
  });

  describe.each([
    ['compose-go types_test.go', composeRejected],
    ['go-connections nat_test.go', natRejected],
    ['task cases and corners', moreRejected],
  ] as const)('rejects (%s)', (_source, table) => {
    it.each(table)('%j', (spec, reason, offset) => {
      const error = reasonOf(() => parsePortSpec(spec));
      expect(error).toEqual({ reason, offset, message: `invalid port spec ${JSON.stringify(spec)}: ${reason}` });
    });
  });

  it('words the error as in the task', () => {
    expect(() => parsePortSpec('1.2.3.4:80')).toThrow('invalid port spec "1.2.3.4:80": invalid hostPort: 1.2.3.4');
  });

  it('lets a rewriter replace exactly the host port', () => {
    const spec = '127.0.0.1:5000:80';
    const [entry] = parsePortSpec(spec);
    const { start, end } = entry!.publishedSpan!;
    expect(spec.slice(0, start) + '5001' + spec.slice(end)).toBe('127.0.0.1:5001:80');
  });

  it('exports the protocols Compose accepts', () => {
    expect(PROTOCOLS).toEqual(['tcp', 'udp', 'sctp']);
  });
});

// go-connections nat/parse_test.go, TestParsePortRange.
const rangeCases: [input: string, expected: { start: number; end: number } | string][] = [
  ['', 'empty string specified for ports'],
  ['1234', { start: 1234, end: 1234 }],
  ['1234-1234', { start: 1234, end: 1234 }],
  ['1234-1235', { start: 1234, end: 1235 }],
  ['8000-9000', { start: 8000, end: 9000 }],
  ['0', { start: 0, end: 0 }],
  ['0-0', { start: 0, end: 0 }],
  ['asdf', "invalid start port 'asdf': invalid syntax"],
  ['9000-8000', 'invalid port range: 9000-8000'],
  ['8000-', "invalid end port '': value is empty"],
  ['-9000', "invalid start port '': value is empty"],
  ['8000-a', "invalid end port 'a': invalid syntax"],
  ['8000-9000a', "invalid end port '9000a': invalid syntax"],
  ['a-9000', "invalid start port 'a': invalid syntax"],
  ['8000a-9000', "invalid start port '8000a': invalid syntax"],
  ['-8000-', "invalid start port '': value is empty"],
  ['-', "invalid start port '': value is empty"],
];

describe('parsePortRange', () => {
  it.each(rangeCases)('%j', (input, expected) => {
    if (typeof expected === 'string') expect(reasonOf(() => parsePortRange(input)).reason).toBe(expected);
    else expect(parsePortRange(input)).toEqual(expected);
  });
});

// go-connections nat/parse_test.go TestParsePortNumber, then the inputs of nat/nat_test.go
// TestParsePort (ParsePort wraps parsePortNumber), then strconv.ParseInt corners.
const numberCases: [input: string, expected: number | string][] = [
  ['', 'value is empty'],
  ['   ', 'invalid syntax'],
  ['1234', 1234],
  ['0', 0],
  ['65535', 65535],
  ['  42  ', 'invalid syntax'],
  ['-1', 'value out of range (0–65535)'],
  ['70000', 'value out of range (0–65535)'],
  ['foo', 'invalid syntax'],
  ['1234abc', 'invalid syntax'],
  ['asdf', 'invalid syntax'],
  ['1asdf', 'invalid syntax'],
  ['0123', 123],
  ['65536', 'value out of range (0–65535)'],
  ['+80', 80],
  ['-0', 0],
  ['1_000', 'invalid syntax'],
  ['+', 'invalid syntax'],
  ['99999999999999999999', 'value out of range'],
  ['9223372036854775808', 'value out of range'],
  ['9223372036854775807', 'value out of range (0–65535)'],
  // Up to 15 digits are read without BigInt: both sides of that boundary give the same answers.
  ['999999999999999', 'value out of range (0–65535)'],
  ['000000000000080', 80],
  ['0000000000000080', 80],
  ['+000000000065535', 65535],
  ['-000000000000000', 0],
  ['-0000000000000000', 0],
  ['12345678901234x', 'invalid syntax'],
  ['-9223372036854775808', 'value out of range (0–65535)'],
  ['-9223372036854775809', 'value out of range'],
  ['18446744073709551616', 'value out of range'],
];

describe('parsePortNumber', () => {
  it.each(numberCases)('%j', (input, expected) => {
    if (typeof expected === 'string') expect(reasonOf(() => parsePortNumber(input)).reason).toBe(expected);
    else expect(parsePortNumber(input)).toBe(expected);
  });
});

// go-connections nat/nat_test.go, TestSplitProtoPort.
const splitCases: [input: string, proto: string, port: string][] = [
  ['', '', ''],
  ['0', 'tcp', '0'],
  ['/udp', '', ''],
  ['1234', 'tcp', '1234'],
  ['1234/', 'tcp', '1234'],
  ['1234/udp', 'udp', '1234'],
  ['80-8080', 'tcp', '80-8080'],
  ['80-8080/', 'tcp', '80-8080'],
  ['80-8080/udp', 'udp', '80-8080'],
  ['-1', 'tcp', '-1'],
  ['1234/UDP', 'UDP', '1234'],
  ['any port value', 'tcp', 'any port value'],
  ['any port value/any proto value', 'any proto value', 'any port value'],
];

describe('splitProtoPort', () => {
  it.each(splitCases)('%j', (input, proto, port) => {
    expect(splitProtoPort(input)).toEqual({ proto, port });
  });
});
