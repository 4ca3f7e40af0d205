/**
 * Two-phase commit, for contrast with sagas: atomic across participants, but blocking.
 *
 * Source: Gray, "Notes on Data Base Operating Systems" (1978), §5.8.3.3 (the two-phase commit
 * protocol); Bernstein, Hadzilacos and Goodman, "Concurrency Control and Recovery in Database
 * Systems" (1987), §7.4 (2PC, the uncertainty period, the termination protocol) and §7.5
 * (presumed abort). A participant that votes Yes has logged `prepared` and is *uncertain*: it
 * may neither commit nor abort on its own until it learns the decision (§7.4, "a participant
 * that voted Yes is blocked"). The coordinator logs a commit decision before sending it; with
 * presumed abort, a transaction it has no decision for is aborted, which is safe because it
 * can only have committed after logging the decision.
 *
 * Guarantees (variant `"correct"`): atomicity — no transaction commits at one participant and
 * aborts at another — under crashes, restarts, loss and duplication. Not guaranteed:
 * non-blocking. If the coordinator crashes after the votes are cast and before they learn the
 * decision, prepared participants stay blocked (holding their locks) until it comes back.
 * Known-broken variant `"unilateral-abort"`: a participant that voted Yes gives up waiting and
 * aborts on its own, which ends the blocking and breaks atomicity.
 * Non-goals: three-phase commit, cooperative termination between participants.
 *
 * @module
 */

import type { NodeId, ProcessFactory, Runtime } from "../sim/mod.ts";

/** Client → coordinator: run transaction `txId` (re-sent until answered). */
export interface BeginTransaction {
  type: "BeginTransaction";
  txId: string;
}
/** Coordinator → participant: phase one, vote. */
export interface TwoPhasePrepare {
  type: "Prepare";
  txId: string;
}
/** Participant → coordinator: the vote. */
export interface TwoPhaseVote {
  type: "Vote";
  txId: string;
  yes: boolean;
}
/** Coordinator → participant (and client): phase two, the decision. */
export interface TwoPhaseDecision {
  type: "Decision";
  txId: string;
  commit: boolean;
}
/** Participant → coordinator: an uncertain participant asks for the decision (§7.4). */
export interface TwoPhaseDecisionRequest {
  type: "DecisionRequest";
  txId: string;
}
/** Participant → coordinator: the decision is applied. */
export interface TwoPhaseDecisionAck {
  type: "DecisionAck";
  txId: string;
}

/** Every message of two-phase commit. */
export type TwoPhaseMessage =
  | BeginTransaction
  | TwoPhasePrepare
  | TwoPhaseVote
  | TwoPhaseDecision
  | TwoPhaseDecisionRequest
  | TwoPhaseDecisionAck;

/** Which participant to run. */
export type TwoPhaseVariant = "correct" | "unilateral-abort";

/** Every variant, correct first. */
export const TWO_PHASE_VARIANTS: readonly TwoPhaseVariant[] = ["correct", "unilateral-abort"];

/** The coordinator's view of one transaction. */
export interface CoordinatorTransaction {
  txId: string;
  client: NodeId;
  votes: Record<NodeId, boolean>;
  decision: "commit" | "abort" | null;
  acks: NodeId[];
}

/**
 * The coordinator's decision rule (Gray §5.8.3.3): commit only when every participant voted
 * Yes; abort on any No. Null while votes are missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseDecide } from "./two_phase_commit.ts";
 * assert.equal(twoPhaseDecide(["a", "b"], { a: true }), null);
 * assert.equal(twoPhaseDecide(["a", "b"], { a: true, b: true }), "commit");
 * assert.equal(twoPhaseDecide(["a", "b"], { a: false }), "abort");
 * ```
 */
export function twoPhaseDecide(
  participants: readonly NodeId[],
  votes: Readonly<Record<NodeId, boolean>>,
): "commit" | "abort" | null {
  if (Object.values(votes).some((yes) => !yes)) return "abort";
  return participants.every((p) => votes[p] === true) ? "commit" : null;
}

const DECISIONS = "2pc/decisions";
const PARTICIPANT = "2pc/participant";

/** Options of {@linkcode twoPhaseCoordinator}. */
export interface TwoPhaseCoordinatorOptions {
  participants: readonly NodeId[];
  /** Resend prepares and decisions unanswered this long. @default 40 */
  retryMs?: number;
  /** Abort a transaction whose votes have not all arrived this long after it began. @default 200 */
  voteTimeoutMs?: number;
}

/**
 * The coordinator. Its durable log holds only decisions (presumed abort, §7.5): on a restart
 * it resends the logged decisions and presumes abort for anything else it is asked about.
 * Traces state `tx` `{txId, event: "prepare" | "decide", commit?}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Simulation } from "../sim/mod.ts";
 * import { twoPhaseClient, twoPhaseCoordinator, twoPhaseParticipant } from "./two_phase_commit.ts";
 * const participants = ["p1", "p2"];
 * const sim = new Simulation({ seed: 1 });
 * sim.addNode("coordinator", twoPhaseCoordinator({ participants }));
 * for (const p of participants) sim.addNode(p, twoPhaseParticipant({}));
 * sim.addNode("client", twoPhaseClient({ coordinator: "coordinator", transactions: [{ txId: "t1", atMs: 0 }] }));
 * sim.run({ untilMs: 300 });
 * assert.equal(sim.storageOf("p1").get<Record<string, string>>("2pc/participant")?.t1, "committed");
 * ```
 */
export function twoPhaseCoordinator(
  options: TwoPhaseCoordinatorOptions,
): ProcessFactory<TwoPhaseMessage> {
  const retryMs = options.retryMs ?? 40;
  const voteTimeoutMs = options.voteTimeoutMs ?? 200;
  if (!(retryMs > 0)) throw new RangeError(`twoPhaseCoordinator option retryMs must be > 0`);
  if (!(voteTimeoutMs > 0)) {
    throw new RangeError(`twoPhaseCoordinator option voteTimeoutMs must be > 0`);
  }
  return (rt: Runtime<TwoPhaseMessage>) => {
    const txs = new Map<string, CoordinatorTransaction & { beganAt: number }>();
    const logged = () => rt.storage.get<Record<string, boolean>>(DECISIONS) ?? {};
    const decideNow = (tx: CoordinatorTransaction, commit: boolean) => {
      // The decision is durable before anyone hears it: after a crash it is resent, never
      // changed (Gray §5.8.3.3, the commit record is the commit point).
      rt.storage.set(DECISIONS, { ...logged(), [tx.txId]: commit });
      tx.decision = commit ? "commit" : "abort";
      rt.state("tx", { txId: tx.txId, event: "decide", commit });
      sendDecision(tx);
      rt.send(tx.client, { type: "Decision", txId: tx.txId, commit });
    };
    const sendDecision = (tx: CoordinatorTransaction) => {
      for (const p of options.participants) {
        if (!tx.acks.includes(p)) {
          rt.send(p, { type: "Decision", txId: tx.txId, commit: tx.decision === "commit" });
        }
      }
    };
    return {
      onStart() {
        // Resend every logged decision; acknowledgements are volatile, so some go twice.
        for (const [txId, commit] of Object.entries(logged())) {
          const tx = {
            txId,
            client: "",
            votes: {},
            decision: commit ? "commit" as const : "abort" as const,
            acks: [],
            beganAt: rt.monotonic(),
          };
          txs.set(txId, tx);
          sendDecision(tx);
        }
        rt.setTimer(retryMs, "retry");
      },
      onMessage(from: NodeId, msg: TwoPhaseMessage) {
        switch (msg.type) {
          case "BeginTransaction": {
            const known = txs.get(msg.txId);
            if (!known && msg.txId in logged()) {
              rt.send(from, { type: "Decision", txId: msg.txId, commit: logged()[msg.txId] });
              return;
            }
            if (known?.decision) {
              rt.send(from, {
                type: "Decision",
                txId: msg.txId,
                commit: known.decision === "commit",
              });
            }
            if (known) return;
            const tx = {
              txId: msg.txId,
              client: from,
              votes: {},
              decision: null,
              acks: [],
              beganAt: rt.monotonic(),
            };
            txs.set(msg.txId, tx);
            rt.state("tx", { txId: msg.txId, event: "prepare" });
            for (const p of options.participants) rt.send(p, { type: "Prepare", txId: msg.txId });
            return;
          }
          case "Vote": {
            const tx = txs.get(msg.txId);
            if (!tx || tx.decision) return;
            tx.votes[from] = msg.yes;
            const decision = twoPhaseDecide(options.participants, tx.votes);
            if (decision) decideNow(tx, decision === "commit");
            return;
          }
          case "DecisionRequest": {
            // Presumed abort (§7.5): no logged decision means it never committed.
            if (!(msg.txId in logged())) {
              const tx = txs.get(msg.txId);
              if (tx && !tx.decision) return; // Still collecting votes: answer later.
              // Log the presumed abort, so a re-sent BeginTransaction cannot commit it later.
              rt.storage.set(DECISIONS, { ...logged(), [msg.txId]: false });
              rt.state("tx", { txId: msg.txId, event: "decide", commit: false });
            }
            rt.send(from, { type: "Decision", txId: msg.txId, commit: logged()[msg.txId] });
            return;
          }
          case "DecisionAck": {
            const tx = txs.get(msg.txId);
            if (tx && !tx.acks.includes(from)) tx.acks.push(from);
            return;
          }
          case "Prepare":
          case "Decision":
            return;
          default: {
            const never: never = msg;
            throw new Error(`Coordinator cannot handle ${JSON.stringify(never)}`);
          }
        }
      },
      onTimer() {
        for (const tx of txs.values()) {
          if (tx.decision) {
            if (tx.acks.length < options.participants.length) sendDecision(tx);
          } else if (rt.monotonic() - tx.beganAt >= voteTimeoutMs) {
            decideNow(tx, false); // A missing vote is a No (Gray: any participant may abort).
          } else {
            for (const p of options.participants) {
              if (!(p in tx.votes)) rt.send(p, { type: "Prepare", txId: tx.txId });
            }
          }
        }
        rt.setTimer(retryMs, "retry");
      },
    };
  };
}

/** A participant's durable state per transaction. */
export type ParticipantTxState = "prepared" | "committed" | "aborted";

/** Options of {@linkcode twoPhaseParticipant}. */
export interface TwoPhaseParticipantOptions {
  /** Chance of voting No. @default 0 */
  noProbability?: number;
  /** @default "correct" */
  variant?: TwoPhaseVariant;
  /** An uncertain participant asks for the decision this often. @default 40 */
  askMs?: number;
  /** The broken variant aborts on its own after waiting this long. @default 100 */
  patienceMs?: number;
}

/**
 * A participant. Voting Yes logs `prepared` first; from then on the correct participant is
 * blocked until it learns the decision, asking the coordinator again and again (§7.4 — with
 * no cooperative termination, nobody else can tell it). Traces state `tx`
 * `{txId, event: "prepared" | "committed" | "aborted"}`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseParticipant } from "./two_phase_commit.ts";
 * assert.throws(() => twoPhaseParticipant({ variant: "yolo" as never }), /variant/);
 * ```
 */
export function twoPhaseParticipant(
  options: TwoPhaseParticipantOptions,
): ProcessFactory<TwoPhaseMessage> {
  const variant = options.variant ?? "correct";
  if (!TWO_PHASE_VARIANTS.includes(variant)) {
    throw new RangeError(
      `twoPhaseParticipant option variant must be one of ${
        TWO_PHASE_VARIANTS.join(", ")
      }, got ${variant}`,
    );
  }
  const noProbability = options.noProbability ?? 0;
  if (!(noProbability >= 0 && noProbability <= 1)) {
    throw new RangeError(`twoPhaseParticipant option noProbability must be in [0, 1]`);
  }
  const askMs = options.askMs ?? 40;
  const patienceMs = options.patienceMs ?? 100;
  return (rt: Runtime<TwoPhaseMessage>) => {
    const load = () => rt.storage.get<Record<string, ParticipantTxState>>(PARTICIPANT) ?? {};
    const set = (txId: string, state: ParticipantTxState) => {
      rt.storage.set(PARTICIPANT, { ...load(), [txId]: state });
      rt.state("tx", { txId, event: state });
    };
    const waitingSince = new Map<string, number>();
    let coordinator: NodeId | null = null;
    return {
      onStart() {
        // Uncertain transactions survive a restart: keep asking about them.
        for (const [txId, state] of Object.entries(load())) {
          if (state === "prepared") waitingSince.set(txId, rt.monotonic());
        }
        rt.setTimer(askMs, "ask");
      },
      onMessage(from: NodeId, msg: TwoPhaseMessage) {
        switch (msg.type) {
          case "Prepare": {
            coordinator = from;
            const state = load()[msg.txId];
            if (state === undefined) {
              if (rt.random.bool(noProbability)) {
                set(msg.txId, "aborted"); // Voting No may abort at once: no one can commit.
              } else {
                set(msg.txId, "prepared");
                waitingSince.set(msg.txId, rt.monotonic());
              }
            }
            const now = load()[msg.txId];
            rt.send(from, { type: "Vote", txId: msg.txId, yes: now !== "aborted" });
            return;
          }
          case "Decision": {
            coordinator = from;
            const state = load()[msg.txId];
            if (state === "prepared" || state === undefined) {
              set(msg.txId, msg.commit ? "committed" : "aborted");
            }
            waitingSince.delete(msg.txId);
            rt.send(from, { type: "DecisionAck", txId: msg.txId });
            return;
          }
          case "BeginTransaction":
          case "Vote":
          case "DecisionRequest":
          case "DecisionAck":
            return;
          default: {
            const never: never = msg;
            throw new Error(`Participant cannot handle ${JSON.stringify(never)}`);
          }
        }
      },
      onTimer() {
        for (const [txId, since] of [...waitingSince]) {
          if (variant === "unilateral-abort" && rt.monotonic() - since >= patienceMs) {
            // The broken shortcut: after voting Yes it is no longer this node's call.
            set(txId, "aborted");
            waitingSince.delete(txId);
          } else if (coordinator !== null) {
            rt.send(coordinator, { type: "DecisionRequest", txId });
          }
        }
        rt.setTimer(askMs, "ask");
      },
    };
  };
}

/**
 * A client that begins transactions at given times and re-sends each until it hears the
 * decision.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoPhaseClient } from "./two_phase_commit.ts";
 * assert.equal(typeof twoPhaseClient({ coordinator: "c", transactions: [] }), "function");
 * ```
 */
export function twoPhaseClient(options: {
  coordinator: NodeId;
  transactions: readonly { txId: string; atMs: number }[];
  /** @default 100 */
  retryMs?: number;
}): ProcessFactory<TwoPhaseMessage> {
  const retryMs = options.retryMs ?? 100;
  return (rt: Runtime<TwoPhaseMessage>) => {
    const decided = new Set<string>();
    return {
      onStart() {
        for (const { txId, atMs } of options.transactions) rt.setTimer(atMs, "begin", txId);
      },
      onMessage(_from: NodeId, msg: TwoPhaseMessage) {
        if (msg.type === "Decision") decided.add(msg.txId);
      },
      onTimer(_tag: string, data: unknown) {
        const txId = String(data);
        if (decided.has(txId)) return;
        rt.send(options.coordinator, { type: "BeginTransaction", txId });
        rt.setTimer(retryMs, "begin", txId);
      },
    };
  };
}
