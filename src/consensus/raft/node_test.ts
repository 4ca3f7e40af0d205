/**
 * Paper-style scenario tests for RaftNode: small clusters stepped by hand, each test a script
 * whose expected output is a message log (etcd-io/raft style). Sections cite the Raft paper.
 */

import assert from "node:assert/strict";
import { formatMessage } from "../../sim/mod.ts";
import type { LogEntry, RaftVariant } from "./types.ts";
import type { RaftMessage } from "./types.ts";
import { RaftNode } from "./node.ts";

type Msg = { from: string; to: string; msg: RaftMessage<string> };

/** A hand-stepped cluster: messages queue until delivered; every send is logged. */
class Cluster {
  nodes = new Map<string, RaftNode<string>>();
  queue: Msg[] = [];
  log: string[] = [];
  applied = new Map<string, string[]>();
  /** Every election won, as `node@term`. */
  elected: string[] = [];

  constructor(
    ids: string[],
    options: {
      variant?: RaftVariant;
      logs?: Record<string, LogEntry<string>[]>;
      terms?: Record<string, number>;
    } = {},
  ) {
    for (const id of ids) {
      const node = new RaftNode<string>({
        id,
        peers: ids.filter((p) => p !== id),
        random: () => 0,
        variant: options.variant,
        log: options.logs?.[id],
        hardState: { currentTerm: options.terms?.[id] ?? 0, votedFor: null },
      });
      this.nodes.set(id, node);
      this.applied.set(id, []);
      node.start();
      this.flush(id);
    }
    this.log = [];
  }
  node(id: string): RaftNode<string> {
    return this.nodes.get(id)!;
  }
  flush(id: string): void {
    const ready = this.node(id).ready();
    for (const { to, msg } of ready.messages) {
      this.queue.push({ from: id, to, msg });
      this.log.push(`${id}->${to} ${formatMessage(msg)}`);
    }
    for (const { entry } of ready.committed) this.applied.get(id)!.push(entry.command);
    for (const [key, value] of ready.changes) {
      if (key === "role" && value === "leader") this.elected.push(`${id}@${this.node(id).term}`);
    }
  }
  /** Delivers queued messages (and the replies they cause) until none is left. */
  deliver(options: { drop?: (m: Msg) => boolean; limit?: number } = {}): void {
    let budget = options.limit ?? 1000;
    while (this.queue.length > 0 && budget-- > 0) {
      const m = this.queue.shift()!;
      if (options.drop?.(m)) continue;
      this.node(m.to).step(m.from, m.msg);
      this.flush(m.to);
    }
  }
  timeout(id: string): void {
    this.node(id).electionTimeout();
    this.flush(id);
  }
  propose(id: string, command: string): void {
    this.node(id).propose(command);
    this.flush(id);
  }
  takeLog(): string {
    const text = this.log.join("\n");
    this.log = [];
    return text;
  }
}

const entries = (...terms: number[]): LogEntry<string>[] =>
  terms.map((term, i) => ({ term, command: `e${i + 1}t${term}` }));

Deno.test("RaftNode elects the first follower to time out (§5.2)", () => {
  const c = new Cluster(["n1", "n2", "n3"]);
  c.timeout("n1");
  c.deliver();
  assert.equal(c.node("n1").role, "leader");
  assert.equal(c.node("n2").leaderId, "n1");
  assert.equal(
    c.takeLog(),
    [
      "n1->n2 RequestVote term=1 candidateId=n1 lastLogIndex=0 lastLogTerm=0",
      "n1->n3 RequestVote term=1 candidateId=n1 lastLogIndex=0 lastLogTerm=0",
      "n2->n1 RequestVoteResponse term=1 voteGranted=true",
      "n3->n1 RequestVoteResponse term=1 voteGranted=true",
      "n1->n2 AppendEntries term=1 leaderId=n1 prevLogIndex=0 prevLogTerm=0 entries=[] leaderCommit=0",
      "n1->n3 AppendEntries term=1 leaderId=n1 prevLogIndex=0 prevLogTerm=0 entries=[] leaderCommit=0",
      "n2->n1 AppendEntriesResponse term=1 success=true matchIndex=0 conflictTerm=0 conflictIndex=0",
      "n3->n1 AppendEntriesResponse term=1 success=true matchIndex=0 conflictTerm=0 conflictIndex=0",
    ].join("\n"),
  );
});

Deno.test("RaftNode rejects a vote request from a stale term (§5.1)", () => {
  const c = new Cluster(["n1", "n2", "n3"], { terms: { n1: 1, n2: 3, n3: 1 } });
  c.timeout("n1"); // n1 stands in term 2, below n2's term 3
  c.deliver({ drop: (m) => m.to === "n3" || m.from === "n3" });
  assert.match(c.takeLog(), /n2->n1 RequestVoteResponse term=3 voteGranted=false/);
  assert.equal(c.node("n1").role, "follower", "a higher term in the answer deposes the candidate");
  assert.equal(c.node("n1").term, 3);
});

Deno.test("RaftNode votes at most once per term and forgets its vote in a newer term (§5.2, Figure 2)", () => {
  const c = new Cluster(["n1", "n2", "n3"]);
  c.timeout("n1");
  c.timeout("n2"); // both stand in term 1; n3 answers n1 first
  c.deliver();
  const log = c.takeLog();
  assert.match(log, /n3->n1 RequestVoteResponse term=1 voteGranted=true/);
  assert.match(log, /n3->n2 RequestVoteResponse term=1 voteGranted=false/);
  assert.match(
    log,
    /n1->n2 RequestVoteResponse term=1 voteGranted=false/,
    "a candidate voted for itself",
  );
  assert.equal(c.node("n1").role, "leader");
  // A new term clears the vote: n3 may now vote for n2.
  c.timeout("n2");
  c.deliver();
  assert.match(c.takeLog(), /n3->n2 RequestVoteResponse term=2 voteGranted=true/);
  assert.equal(c.node("n3").votedFor, "n2");
});

Deno.test("RaftNode refuses a candidate whose log is less up-to-date (§5.4.1)", () => {
  const c = new Cluster(["n1", "n2", "n3"], {
    logs: { n1: entries(1), n2: entries(1, 2), n3: entries(1, 1, 1) },
    terms: { n1: 2, n2: 2, n3: 2 },
  });
  c.timeout("n3"); // longer log, but an older last term than n2
  c.deliver();
  const log = c.takeLog();
  assert.match(log, /n1->n3 RequestVoteResponse term=3 voteGranted=true/);
  assert.match(log, /n2->n3 RequestVoteResponse term=3 voteGranted=false/);
});

Deno.test("AppendEntries rejects a missing prevLogIndex with a fast-backup hint (§5.3)", () => {
  const c = new Cluster(["n1", "n2"], {
    logs: { n1: entries(1, 1, 2, 2), n2: entries(1) },
    terms: { n1: 2, n2: 2 },
  });
  c.timeout("n1");
  c.deliver();
  const log = c.takeLog();
  assert.match(log, /n1->n2 AppendEntries term=3 leaderId=n1 prevLogIndex=4 prevLogTerm=2/);
  assert.match(
    log,
    /n2->n1 AppendEntriesResponse term=3 success=false matchIndex=0 conflictTerm=0 conflictIndex=2/,
  );
  assert.match(
    log,
    /n1->n2 AppendEntries term=3 leaderId=n1 prevLogIndex=1 prevLogTerm=1 entries=\[/,
  );
  assert.deepEqual(c.node("n2").entries().map((e) => e.term), [1, 1, 2, 2]);
});

Deno.test("AppendEntries skips a whole conflicting term and truncates it (§5.3, Figure 7)", () => {
  // n2 holds three entries of term 2 that n1 never had (a deposed leader's, Figure 7 (f)).
  const c = new Cluster(["n1", "n2"], {
    logs: { n1: entries(1, 1, 3, 3), n2: entries(1, 2, 2, 2) },
    terms: { n1: 3, n2: 3 },
  });
  c.timeout("n1");
  c.deliver();
  const log = c.takeLog();
  assert.match(
    log,
    /n2->n1 AppendEntriesResponse term=4 success=false matchIndex=0 conflictTerm=2 conflictIndex=2/,
  );
  assert.match(
    log,
    /n1->n2 AppendEntries term=4 leaderId=n1 prevLogIndex=1 prevLogTerm=1 entries=\[/,
  );
  assert.deepEqual(c.node("n2").entries().map((e) => e.term), [1, 1, 3, 3]);
  assert.deepEqual(c.node("n2").entries(), c.node("n1").entries());
});

Deno.test("A delayed duplicate AppendEntries does not truncate newer entries (§5.3)", () => {
  const c = new Cluster(["n1", "n2"]);
  c.timeout("n1");
  c.deliver();
  c.propose("n1", "a");
  const first = c.queue.find((m) => m.to === "n2")!;
  c.deliver();
  c.propose("n1", "b");
  c.deliver();
  c.node("n2").step("n1", first.msg); // the first AppendEntries arrives again, late
  assert.deepEqual(c.node("n2").entries().map((e) => e.command), ["a", "b"]);
});

Deno.test("The leader commits only entries of its own term by counting replicas (§5.4.2, Figure 8)", () => {
  // n1 leads term 4 with an uncommitted term-2 entry that n3 lacks.
  for (const variant of ["correct", "commit-old-term"] as const) {
    const c = new Cluster(["n1", "n2", "n3"], {
      variant,
      logs: { n1: entries(1, 2), n2: entries(1), n3: entries(1) },
      terms: { n1: 3, n2: 3, n3: 3 },
    });
    c.timeout("n1");
    c.deliver(); // elected in term 4, copies the term-2 entry to n2 and n3
    assert.equal(c.node("n1").role, "leader");
    assert.deepEqual(c.node("n3").entries().map((e) => e.term), [1, 2]);
    if (variant === "correct") {
      assert.equal(c.node("n1").commitIndex, 0, "a term-2 entry is not committed by counting");
      c.propose("n1", "x");
      c.deliver();
      assert.equal(c.node("n1").commitIndex, 3, "it commits with the first term-4 entry");
    } else {
      assert.equal(c.node("n1").commitIndex, 2, "the broken rule commits the term-2 entry");
    }
  }
});

Deno.test("A follower applies committed entries in order, once (Figure 2)", () => {
  const c = new Cluster(["n1", "n2", "n3"]);
  c.timeout("n1");
  c.deliver();
  for (const command of ["a", "b", "c"]) c.propose("n1", command);
  c.deliver();
  c.node("n1").heartbeatTimeout();
  c.flush("n1");
  c.deliver();
  for (const id of ["n1", "n2", "n3"]) assert.deepEqual(c.applied.get(id), ["a", "b", "c"]);
});

Deno.test("no-prev-log-check accepts entries a correct follower rejects (seed variant)", () => {
  for (const variant of ["correct", "no-prev-log-check"] as const) {
    const node = new RaftNode<string>({ id: "n2", peers: ["n1"], random: () => 0, variant });
    node.start();
    node.ready();
    node.step("n1", {
      type: "AppendEntries",
      term: 1,
      leaderId: "n1",
      prevLogIndex: 5,
      prevLogTerm: 1,
      entries: [{ term: 1, command: "x" }],
      leaderCommit: 6,
    });
    const reply = node.ready().messages[0].msg;
    assert.equal(reply.type, "AppendEntriesResponse");
    if (reply.type !== "AppendEntriesResponse") continue;
    assert.equal(reply.success, variant !== "correct");
    assert.equal(node.lastIndex, variant === "correct" ? 0 : 1);
  }
});

Deno.test("stale-vote grants a rival in the candidate's own term (seed variant)", () => {
  const c = new Cluster(["n1", "n2", "n3"], { variant: "stale-vote" });
  c.timeout("n1");
  c.timeout("n2");
  c.deliver();
  assert.deepEqual(c.elected, ["n1@1", "n2@1"], "two leaders of one term");
});

Deno.test("RaftNode validates its options with messages naming them", () => {
  assert.throws(
    () => new RaftNode({ id: "n1", peers: [], random: () => 0, electionTimeoutMinMs: 0 }),
    /electionTimeoutMinMs must be > 0/,
  );
  assert.throws(
    () => new RaftNode({ id: "n1", peers: [], random: () => 0, heartbeatMs: 200 }),
    /heartbeatMs must be in \(0, electionTimeoutMinMs=150\)/,
  );
  assert.throws(
    () => new RaftNode({ id: "n1", peers: ["n1"], random: () => 0 }),
    /must not include the node itself/,
  );
});

Deno.test("With pre-vote a rejoining server does not depose a healthy leader (dissertation §9.6)", () => {
  for (const preVote of [false, true]) {
    const ids = ["n1", "n2", "n3"];
    const nodes = new Map(ids.map((id) => [
      id,
      new RaftNode<string>({ id, peers: ids.filter((p) => p !== id), random: () => 0, preVote }),
    ]));
    const queue: Msg[] = [];
    const flush = (id: string) => {
      for (const { to, msg } of nodes.get(id)!.ready().messages) queue.push({ from: id, to, msg });
    };
    const deliver = (drop: (m: Msg) => boolean = () => false) => {
      while (queue.length > 0) {
        const m = queue.shift()!;
        if (drop(m)) continue;
        nodes.get(m.to)!.step(m.from, m.msg);
        flush(m.to);
      }
    };
    for (const id of ids) nodes.get(id)!.start();
    ids.forEach(flush);
    // Elect n1 (with pre-vote, two timeouts: the first pre-vote meets followers that still
    // have no leader, so it succeeds at once here).
    nodes.get("n1")!.electionTimeout();
    flush("n1");
    deliver();
    assert.equal(nodes.get("n1")!.role, "leader");
    const term = nodes.get("n1")!.term;
    // n3 is cut off and times out five times.
    const cut = (m: Msg) => m.from === "n3" || m.to === "n3";
    for (let i = 0; i < 5; i++) {
      nodes.get("n3")!.electionTimeout();
      flush("n3");
      deliver(cut);
    }
    // It comes back: its next message reaches the leader.
    nodes.get("n3")!.electionTimeout();
    flush("n3");
    nodes.get("n1")!.heartbeatTimeout();
    flush("n1");
    deliver();
    if (preVote) {
      assert.equal(nodes.get("n1")!.role, "leader", "the leader keeps its term");
      assert.equal(nodes.get("n1")!.term, term);
      assert.equal(nodes.get("n3")!.term, term, "pre-votes never raised n3's term");
    } else {
      assert.ok(nodes.get("n3")!.term > term + 4, "without pre-vote n3's term ran away");
      assert.ok(nodes.get("n1")!.term > term, "and the leader was deposed by it");
    }
  }
});

Deno.test("A deposed leader re-arms its election timer (regression: it once waited forever)", () => {
  const c = new Cluster(["n1", "n2", "n3"]);
  c.timeout("n1");
  c.deliver();
  assert.equal(c.node("n1").role, "leader");
  c.node("n1").step("n2", {
    type: "AppendEntriesResponse",
    term: 5,
    success: false,
    matchIndex: 0,
    conflictTerm: 0,
    conflictIndex: 0,
  });
  const ready = c.node("n1").ready();
  assert.equal(c.node("n1").role, "follower");
  assert.equal(ready.timers.heartbeat, null, "heartbeats stop");
  assert.equal(typeof ready.timers.election, "number", "and the election timer runs again");
});

Deno.test("Leadership transfer: the leader catches the target up, then TimeoutNow (dissertation §3.10)", () => {
  const c = new Cluster(["n1", "n2", "n3"]);
  c.timeout("n1");
  c.deliver();
  c.propose("n1", "a");
  c.deliver({ drop: (m) => m.to === "n2" }); // n2 misses entry 1
  c.takeLog();
  assert.equal(c.node("n1").transferLeadership("n2"), true);
  c.flush("n1");
  assert.equal(c.node("n1").propose("b"), null, "no new commands during a transfer");
  c.deliver();
  const log = c.takeLog();
  assert.match(log, /n1->n2 AppendEntries term=1 leaderId=n1 prevLogIndex=0/);
  assert.match(log, /n1->n2 TimeoutNow term=1/);
  assert.match(log, /n2->n1 RequestVote term=2 candidateId=n2 lastLogIndex=1 lastLogTerm=1/);
  assert.equal(c.node("n2").role, "leader");
  assert.equal(c.node("n1").role, "follower");
  assert.equal(c.node("n2").term, 2);
});
