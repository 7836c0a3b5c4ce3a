package dev.shuttle.interop;

import java.util.Locale;
import java.util.Optional;

/**
 * The cases of gRPC's doc/interop-test-descriptions.md that need no cloud credentials, in that
 * document's order; {@link #flag()} is the {@code --test_case} name every implementation uses.
 */
enum InteropCase {
  EMPTY_UNARY,
  LARGE_UNARY,
  CLIENT_COMPRESSED_UNARY,
  SERVER_COMPRESSED_UNARY,
  CLIENT_STREAMING,
  CLIENT_COMPRESSED_STREAMING,
  SERVER_STREAMING,
  SERVER_COMPRESSED_STREAMING,
  PING_PONG,
  EMPTY_STREAM,
  TIMEOUT_ON_SLEEPING_SERVER,
  CANCEL_AFTER_BEGIN,
  CANCEL_AFTER_FIRST_RESPONSE,
  CUSTOM_METADATA,
  STATUS_CODE_AND_MESSAGE,
  SPECIAL_STATUS_MESSAGE,
  UNIMPLEMENTED_METHOD,
  UNIMPLEMENTED_SERVICE,
  VERY_LARGE_REQUEST,
  PICK_FIRST_UNARY,
  RPC_SOAK,
  CHANNEL_SOAK,
  ORCA_PER_RPC,
  ORCA_OOB;

  /** The name on the command line: {@code empty_unary}. */
  String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The case a {@code --test_case} value names, if any. */
  static Optional<InteropCase> fromFlag(String flag) {
    for (InteropCase c : values()) {
      if (c.flag().equals(flag)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
