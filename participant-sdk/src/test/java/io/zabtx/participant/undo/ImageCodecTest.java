package io.zabtx.participant.undo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ImageCodecTest {
  @Test
  void edgeValuesSurviveExactly() {
    Map<String, Value> cols = new LinkedHashMap<>();
    cols.put("id", Value.of(Value.Kind.BIGINT, Long.MIN_VALUE));
    cols.put("dec", Value.of(Value.Kind.DECIMAL, new BigDecimal("-1.2300")));
    cols.put("negscale", Value.of(Value.Kind.DECIMAL, new BigDecimal("1E+5")));
    cols.put("nan", Value.of(Value.Kind.DOUBLE, Double.longBitsToDouble(0x7ff8000000000123L)));
    cols.put("negzero", Value.of(Value.Kind.REAL, -0.0f));
    cols.put("tiny", Value.of(Value.Kind.TINYINT, Byte.MIN_VALUE));
    cols.put("small", Value.of(Value.Kind.SMALLINT, Short.MAX_VALUE));
    cols.put("b", Value.of(Value.Kind.BOOLEAN, false));
    cols.put("empty", Value.of(Value.Kind.BYTES, new byte[0]));
    cols.put("long", Value.of(Value.Kind.CLOB, "é漢😀".repeat(30_000)));
    cols.put("d", Value.of(Value.Kind.DATE, LocalDate.of(-4, 2, 29)));
    cols.put("t", Value.of(Value.Kind.TIME, LocalTime.of(23, 59, 59, 999_999_999)));
    cols.put(
        "ttz",
        Value.of(
            Value.Kind.TIME_TZ, OffsetTime.of(1, 2, 3, 4, ZoneOffset.ofHoursMinutes(-9, -30))));
    cols.put("ts", Value.of(Value.Kind.TIMESTAMP, LocalDateTime.of(1969, 12, 31, 23, 59, 59, 1)));
    cols.put(
        "tstz",
        Value.of(
            Value.Kind.TIMESTAMP_TZ,
            OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 7, ZoneOffset.ofHours(14))));
    cols.put("u", Value.of(Value.Kind.UUID, new UUID(-1, 1)));
    cols.put("n", Value.nullOf(Types.BLOB));
    RowImage row = new RowImage("\"S\".\"T\"", Map.of("id", cols.get("id")), cols);
    List<UndoRecord> records =
        List.of(new UndoRecord(WriteKind.UPDATE, List.of(row), List.of(row)));

    List<UndoRecord> back = ImageCodec.decode(ImageCodec.encode(records));

    assertThat(back).isEqualTo(records);
    Map<String, Value> got = back.get(0).before().get(0).columns();
    assertThat(List.copyOf(got.keySet())).containsExactlyElementsOf(cols.keySet());
    assertThat(((BigDecimal) got.get("dec").value()).scale()).isEqualTo(4);
    assertThat(Double.doubleToRawLongBits((Double) got.get("nan").value()))
        .isEqualTo(0x7ff8000000000123L);
    assertThat(got.get("n").sqlType()).isEqualTo(Types.BLOB);
    assertThat(got.get("dec")).isNotEqualTo(Value.of(Value.Kind.DECIMAL, new BigDecimal("-1.23")));
  }

  @Test
  void corruptInputIsRejected() {
    byte[] good =
        ImageCodec.encode(List.of(new UndoRecord(WriteKind.DELETE, List.of(), List.of())));
    byte[] badVersion = good.clone();
    badVersion[0] = 9;
    assertThatThrownBy(() -> ImageCodec.decode(badVersion)).hasMessageContaining("version 9");
    assertThatThrownBy(() -> ImageCodec.decode(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageCodec.decode(Arrays.copyOf(good, good.length + 1)))
        .hasMessageContaining("trailing");
    assertThatThrownBy(() -> Value.of(Value.Kind.INTEGER, 1L)).hasMessageContaining("Integer");
  }
}
