package io.zabtx.replication.transport;

import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty I/O flavour of the peer transport: native epoll where grpc-netty-shaded ships it (Linux
 * x86_64 and aarch64), Java NIO elsewhere. Epoll costs fewer system calls and wake-ups per frame,
 * which is most of a write's CPU at low load, when every proposal, ack and reply travels in a frame
 * of its own.
 */
final class NettyIo {

  private static final boolean EPOLL = Epoll.isAvailable();

  private NettyIo() {}

  /** "epoll" or "nio", for the start-up log line. */
  static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  static EventLoopGroup newGroup(int threads, String namePrefix) {
    IoHandlerFactory handlers = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(namePrefix, true), handlers);
  }

  static Class<? extends ServerChannel> serverChannelType() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends Channel> channelType() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
