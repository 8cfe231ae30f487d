package io.zabtx.participant.client;

/** The coordinator calls {@link DtxClient} makes; names are metric tags. */
enum Operation {
  BEGIN("begin"),
  COMMIT("commit"),
  ROLLBACK("rollback"),
  STATUS("status");

  private final String tag;

  Operation(String tag) {
    this.tag = tag;
  }

  String tag() {
    return tag;
  }

  /** "begin", "commit of 3-17". */
  String describe(String xid) {
    return xid == null ? tag : tag + " of " + xid;
  }
}
