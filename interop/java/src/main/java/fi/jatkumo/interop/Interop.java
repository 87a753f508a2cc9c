package fi.jatkumo.interop;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Reads and writes Jatkumo messages with Apache Avro for Java, from the committed schemas.
 *
 * <pre>
 * decode SCHEMAS_DIR MESSAGE_FILE
 *     prints {"record": ..., "fields": {...}} of a single-object-encoded message
 * encode-release-date-set SCHEMAS_DIR OUT_FILE EVENT_ID SOURCE_ORG IDENTITY_CODE
 *                         RELEASE_DATE RELEASE_TYPE OCCURRED_AT
 *     writes a ReleaseDateSet (dates ISO-8601, OCCURRED_AT an instant like 2026-03-02T09:00:00Z)
 * </pre>
 */
public final class Interop {
  private Interop() {}

  /** Generic data with the logical types: dates as LocalDate, timestamps as Instant. */
  static GenericData model() {
    GenericData model = new GenericData();
    model.addLogicalTypeConversion(new TimeConversions.DateConversion());
    model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
    return model;
  }

  static String decode(Contract contract, byte[] message) throws IOException {
    String record = contract.writerOf(message).getName();
    Schema reader = contract.newest(record);
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(model(), reader, contract);
    GenericRecord value = decoder.decode(message);
    return "{\"record\":" + Json.of(record) + ",\"fields\":" + Json.of(value) + "}";
  }

  static byte[] encodeReleaseDateSet(Contract contract, String[] a) throws IOException {
    Schema schema = contract.newest("ReleaseDateSet");
    Schema releaseType = schema.getField("release_type").schema();
    GenericRecord event = new GenericRecordBuilder(schema)
        .set("event_id", a[0])
        .set("occurred_at", Instant.parse(a[5]))
        .set("source_org", a[1])
        .set("identity_code", a[2])
        .set("person_ref", null)
        .set("release_date", LocalDate.parse(a[3]))
        .set("release_type", new GenericData.EnumSymbol(releaseType, a[4]))
        .build();
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(model(), schema).encode(event);
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);
    return bytes;
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 3 && args[0].equals("decode")) {
      Contract contract = new Contract(Path.of(args[1]));
      PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
          StandardCharsets.UTF_8);
      out.println(decode(contract, Files.readAllBytes(Path.of(args[2]))));
    } else if (args.length == 9 && args[0].equals("encode-release-date-set")) {
      Contract contract = new Contract(Path.of(args[1]));
      String[] fields = Arrays.copyOfRange(args, 3, 9);
      Files.write(Path.of(args[2]), encodeReleaseDateSet(contract, fields));
    } else {
      System.err.println("usage: decode SCHEMAS_DIR FILE | encode-release-date-set SCHEMAS_DIR "
          + "OUT_FILE EVENT_ID SOURCE_ORG IDENTITY_CODE RELEASE_DATE RELEASE_TYPE OCCURRED_AT");
      System.exit(2);
    }
  }
}
