import { describe, expect, it } from 'vitest';
import { countryOfIp } from './geo-database.ts';
import { parseIpv4, parseIpv6 } from './ip-address.ts';

describe('IP parsing', () => {
  it('parses dotted quads strictly', () => {
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', 'a.b.c.d', ''])
      expect(parseIpv4(bad), bad).toBe(-1);
  });

  it('parses IPv6 with ::, zones and mapped IPv4', () => {
    expect(parseIpv6('2001:db8::1')).toEqual({ words: [0x20010db8, 0, 0, 1] });
    expect(parseIpv6('::1')).toEqual({ words: [0, 0, 0, 1] });
    expect(parseIpv6('fe80::1%eth0')).toEqual({ words: [0xfe800000, 0, 0, 1] });
    expect(parseIpv6('::ffff:8.8.8.8')).toEqual({ v4: 0x08080808 });
    for (const bad of ['1:2:3', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9'])
      expect(parseIpv6(bad), bad).toBeUndefined();
  });
});

describe('countryOfIp', () => {
  it('finds countries for IPv4 and IPv6 and null for private or invalid addresses', () => {
    expect(countryOfIp('1.0.0.1')).toBe('AU'); // the first range of the data set
    expect(countryOfIp('8.8.8.8')).toBe('US');
    expect(countryOfIp('::ffff:1.0.0.1')).toBe('AU');
    expect(countryOfIp('2001:2::1')).toBe('JP'); // the first IPv6 range
    expect(countryOfIp('2001:200::1')).toBe('AU');
    expect(countryOfIp('10.0.0.1')).toBeNull();
    expect(countryOfIp('127.0.0.1')).toBeNull();
    expect(countryOfIp('not an ip')).toBeNull();
  });
});

describe('reserved addresses', () => {
  it('answer null even where the data names a country', () => {
    for (const ip of [
      '192.168.1.1',
      '10.1.2.3',
      '172.16.0.1',
      '100.64.0.1',
      '169.254.1.1',
      '224.0.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '2001:db8::1',
    ]) {
      expect(countryOfIp(ip), ip).toBeNull();
    }
  });
});

describe('parseIpv6 edge cases', () => {
  it('accepts full, compressed and mapped forms and refuses malformed ones', () => {
    expect(parseIpv6('2001:0db8:0000:0000:0000:ff00:0042:8329')).toEqual({
      words: [0x20010db8, 0, 0xff00, 0x00428329],
    });
    expect(parseIpv6('1::')).toEqual({ words: [0x00010000, 0, 0, 0] });
    expect(parseIpv6('::')).toEqual({ words: [0, 0, 0, 0] });
    expect(parseIpv6('::ffff:0:0')).toEqual({ v4: 0 });
    expect(parseIpv6('64:ff9b::1.2.3.4')).toEqual({ words: [0x0064ff9b, 0, 0, 0x01020304] });
    for (const bad of [
      ':1',
      '1:',
      '1:::2',
      '12345::1',
      '1:2:3:4:5:6:7::8:9',
      '::1.2.3',
      '1:2:3:4:5:6:7:8:1.2.3.4',
      ':::',
    ]) {
      expect(parseIpv6(bad), bad).toBeUndefined();
    }
  });
});
