/**
 * EPaxos (Moraru, Andersen and Kaminsky, SOSP 2013): so far its execution algorithm, which
 * orders committed instances by the strongly connected components of their dependency graph.
 *
 * @module
 */

export * from "./execution.ts";
