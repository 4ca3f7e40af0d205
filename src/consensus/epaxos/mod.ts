/**
 * EPaxos (Moraru, Andersen and Kaminsky, SOSP 2013): leaderless agreement on commands and
 * their dependencies (a pure replica in the Step/Ready shape and its kernel adapter), a client,
 * and the execution algorithm that orders committed instances by the strongly connected
 * components of their dependency graph.
 *
 * @module
 */

export * from "./execution.ts";
export * from "./types.ts";
export * from "./replica.ts";
export * from "./client.ts";
