/** The xid bound to the current thread, shared by the DataSource wrapper and xid propagation. */
package io.zabtx.participant.context;
