package fi.jatkumo.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/** Every committed schema version in schemas/avro/&lt;Record&gt;/v&lt;N&gt;.avsc, by fingerprint. */
public final class Contract implements SchemaStore {
  private final Map<Long, Schema> byFingerprint = new HashMap<>();
  private final Map<String, Schema> newest = new HashMap<>();

  public Contract(Path schemasDir) throws IOException {
    try (Stream<Path> records = Files.list(schemasDir)) {
      for (Path record : records.filter(Files::isDirectory).toList()) {
        List<Path> versions = versionsOf(record);
        for (Path file : versions) {
          // One parser per file: the same named enums appear in several records.
          Schema schema = new Schema.Parser().parse(file.toFile());
          byFingerprint.put(SchemaNormalization.parsingFingerprint64(schema), schema);
          newest.put(record.getFileName().toString(), schema);
        }
      }
    }
  }

  private static List<Path> versionsOf(Path record) throws IOException {
    try (Stream<Path> files = Files.list(record)) {
      List<Path> versions = new ArrayList<>(
          files.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc")).toList());
      versions.sort(Comparator.comparingInt(Contract::versionNumber));
      return versions;
    }
  }

  private static int versionNumber(Path file) {
    String name = file.getFileName().toString();
    return Integer.parseInt(name.substring(1, name.length() - ".avsc".length()));
  }

  /** The newest version of a record: what this side writes, and reads into. */
  public Schema newest(String record) {
    Schema schema = newest.get(record);
    if (schema == null) {
      throw new IllegalArgumentException("no committed schema for " + record);
    }
    return schema;
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** The writer schema a single-object message names: marker C3 01, then 8 bytes LE. */
  public Schema writerOf(byte[] message) {
    if (message.length < 10 || message[0] != (byte) 0xC3 || message[1] != (byte) 0x01) {
      throw new IllegalArgumentException("not Avro single-object encoding");
    }
    long fingerprint = 0;
    for (int i = 9; i >= 2; i--) {
      fingerprint = (fingerprint << 8) | (message[i] & 0xFFL);
    }
    Schema schema = findByFingerprint(fingerprint);
    if (schema == null) {
      throw new IllegalArgumentException("unknown schema fingerprint");
    }
    return schema;
  }
}
