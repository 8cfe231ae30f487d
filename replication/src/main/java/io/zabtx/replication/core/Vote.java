package io.zabtx.replication.core;

/**
 * An election vote. Votes are ordered lexicographically by (peerEpoch, zxid, leader): the node with
 * the newest history wins, and the highest server id breaks ties (rule 2).
 *
 * @param leader the proposed leader's server id
 * @param zxid the proposed leader's last zxid
 * @param peerEpoch the proposed leader's current epoch
 */
record Vote(long leader, long zxid, long peerEpoch) {

  /** True when this vote beats {@code other}. */
  boolean beats(Vote other) {
    if (peerEpoch != other.peerEpoch) {
      return peerEpoch > other.peerEpoch;
    }
    if (zxid != other.zxid) {
      return zxid > other.zxid;
    }
    return leader > other.leader;
  }
}
