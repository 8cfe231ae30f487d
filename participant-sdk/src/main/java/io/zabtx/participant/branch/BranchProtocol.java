package io.zabtx.participant.branch;

/** The commit protocol a branch's transaction runs. */
public enum BranchProtocol {
  TWO_PC,
  THREE_PC
}
