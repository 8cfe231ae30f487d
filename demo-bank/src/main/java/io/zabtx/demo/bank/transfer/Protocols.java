package io.zabtx.demo.bank.transfer;

import io.zabtx.demo.bank.account.InvalidRequestException;
import io.zabtx.participant.client.CommitProtocol;
import java.util.Locale;

/** The protocol names of the transfer API: {@code 2PC} and {@code 3PC}. */
final class Protocols {
  private Protocols() {}

  static CommitProtocol parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return CommitProtocol.TWO_PHASE;
    }
    switch (raw.trim().toUpperCase(Locale.ROOT)) {
      case "2PC":
        return CommitProtocol.TWO_PHASE;
      case "3PC":
        return CommitProtocol.THREE_PHASE;
      default:
        throw new InvalidRequestException("protocol '" + raw + "' is unknown: use 2PC or 3PC");
    }
  }

  static String name(CommitProtocol p) {
    return p == CommitProtocol.TWO_PHASE ? "2PC" : "3PC";
  }
}
