package io.zabtx.participant.propagation;

import io.grpc.Metadata;
import io.zabtx.participant.context.DtxContext;
import java.util.Locale;

/** The gRPC metadata key that carries the xid: {@code dtx-xid}. */
public final class XidGrpcMetadata {

  /** {@link DtxContext#XID_HEADER} in the lower case gRPC metadata keys use. */
  public static final Metadata.Key<String> KEY =
      Metadata.Key.of(
          DtxContext.XID_HEADER.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);

  private XidGrpcMetadata() {}
}
