export * from "./paxos/mod.ts";
