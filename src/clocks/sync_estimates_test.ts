import assert from "node:assert/strict";
import fc from "fast-check";
import { berkeleyRound } from "./berkeley.ts";
import { cristianEstimate } from "./cristian.ts";
import { marzullo } from "./marzullo.ts";
import { asymmetryErrorMs, ntpBestSample, ntpSample } from "./ntp.ts";

const ms = (max: number) => fc.integer({ min: 0, max });

Deno.test("NTP's estimate errs by exactly half the path asymmetry, never more than delay/2", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      ms(500),
      ms(500),
      ms(50),
      (offset, forward, back, hold) => {
        const t1 = 1000;
        const t2 = t1 + forward + offset;
        const t3 = t2 + hold;
        const t4 = t3 - offset + back;
        const sample = ntpSample({ t1, t2, t3, t4 });
        const error = sample.offsetMs - offset;
        assert.ok(Math.abs(error - asymmetryErrorMs(forward, back)) < 1e-6);
        assert.ok(Math.abs(error) <= sample.errorBoundMs + 1e-6);
        assert.ok(Math.abs(sample.delayMs - (forward + back)) < 1e-6);
      },
    ),
  );
});

Deno.test("ntpSample rejects a server that replies before it receives", () => {
  assert.throws(() => ntpSample({ t1: 0, t2: 10, t3: 9, t4: 20 }), /t3=9 is before receive t2=10/);
});

Deno.test("ntpBestSample keeps the lowest-delay sample and refuses an empty list", () => {
  const a = { offsetMs: 1, delayMs: 9, errorBoundMs: 4.5 };
  const b = { offsetMs: 2, delayMs: 3, errorBoundMs: 1.5 };
  assert.equal(ntpBestSample([a, b]), b);
  assert.throws(() => ntpBestSample([]), /at least one sample, got 0/);
});

Deno.test("Cristian's estimate stays within RTT/2 − min of the server clock", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: -1e5, max: 1e5 }),
      ms(100),
      ms(100),
      ms(100),
      (offset, minDelay, extraForward, extraBack) => {
        const sent = 5000;
        const serverTime = sent + offset + minDelay + extraForward;
        const received = sent + 2 * minDelay + extraForward + extraBack;
        const estimate = cristianEstimate(
          { requestSentMs: sent, serverTimeMs: serverTime, replyReceivedMs: received },
          { minDelayMs: minDelay },
        );
        assert.ok(Math.abs(estimate.offsetMs - offset) <= estimate.errorBoundMs + 1e-6);
      },
    ),
  );
});

Deno.test("cristianEstimate rejects a minDelayMs above half the round trip", () => {
  assert.throws(
    () =>
      cristianEstimate({ requestSentMs: 0, serverTimeMs: 0, replyReceivedMs: 10 }, {
        minDelayMs: 6,
      }),
    /minDelayMs must be within \[0, RTT\/2 = 5\], got 6/,
  );
});

Deno.test("A Berkeley round brings every clock to the trusted average", () => {
  const reading = fc.record({
    id: fc.string({ minLength: 1 }),
    offsetMs: fc.integer({ min: -1000, max: 1000 }),
  });
  fc.assert(
    fc.property(
      fc.uniqueArray(reading, { minLength: 1, maxLength: 8, selector: (r) => r.id }),
      ms(500),
      (readings, tolerance) => {
        const round = berkeleyRound(readings, { toleranceMs: tolerance });
        for (const r of readings) {
          assert.ok(Math.abs(r.offsetMs + round.adjustmentsMs[r.id] - round.averageMs) < 1e-6);
        }
        const trusted = readings.filter((r) => !round.outliers.includes(r.id));
        assert.ok(trusted.length > 0);
        const sum = trusted.reduce((s, r) => s + round.adjustmentsMs[r.id], 0);
        assert.ok(Math.abs(sum) < 1e-6, "adjustments of trusted clocks must cancel out");
      },
    ),
  );
});

Deno.test("A Berkeley outlier does not bias the average", () => {
  const round = berkeleyRound(
    [{ id: "m", offsetMs: 0 }, { id: "a", offsetMs: 4 }, { id: "b", offsetMs: 2 }, {
      id: "x",
      offsetMs: 1e6,
    }],
    { toleranceMs: 50 },
  );
  assert.deepEqual(round.outliers, ["x"]);
  assert.equal(round.averageMs, 2);
});

Deno.test("Marzullo finds the most-agreed region (differential test against a point sweep)", () => {
  const interval = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 }))
    .map(([low, width]) => ({ lowMs: low, highMs: low + width }));
  fc.assert(
    fc.property(fc.array(interval, { minLength: 1, maxLength: 8 }), (intervals) => {
      const best = marzullo(intervals);
      const coverage = (t: number) => intervals.filter((i) => i.lowMs <= t && t <= i.highMs).length;
      let most = 0;
      for (let t = 0; t <= 50; t += 0.5) most = Math.max(most, coverage(t));
      assert.equal(best.count, most);
      assert.equal(coverage((best.lowMs + best.highMs) / 2), most);
    }),
  );
});
