package io.zabtx.coordinator.testing;

import io.zabtx.coordinator.model.Phase;
import io.zabtx.protocol.v1.Protocol;
import java.time.Instant;

/**
 * One phase message a {@link FakeParticipant} received, whatever it then did with it (answered,
 * failed, hung).
 *
 * @param xid the xid as sent
 * @param branchId the branch as sent
 * @param phase which rpc
 * @param protocol the protocol as sent (may be PROTOCOL_UNSPECIFIED if the sender left it out)
 * @param at when it arrived
 */
public record RecordedCall(String xid, int branchId, Phase phase, Protocol protocol, Instant at) {}
