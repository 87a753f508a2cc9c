package fi.jatkumo.fhir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * Validates FHIR R4 JSON resources with the HAPI FHIR instance validator.
 *
 * <p>Arguments: files or directories (every *.json in them). For each file it prints
 * {@code <file> errors=<n> warnings=<n>} and each error message, then {@code total errors=<n>}.
 */
public final class Validate {
  private Validate() {}

  public static void main(String[] args) throws IOException {
    FhirContext context = FhirContext.forR4();
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(context),
        new InMemoryTerminologyServerValidationSupport(context),
        new CommonCodeSystemsTerminologyService(context));
    FhirInstanceValidator instance = new FhirInstanceValidator(chain);
    FhirValidator validator = context.newValidator().registerValidatorModule(instance);
    int total = 0;
    for (Path file : files(args)) {
      String json = Files.readString(file, StandardCharsets.UTF_8);
      ValidationResult result = validator.validateWithResult(json);
      int errors = 0;
      int warnings = 0;
      List<String> lines = new ArrayList<>();
      for (SingleValidationMessage message : result.getMessages()) {
        ResultSeverityEnum severity = message.getSeverity();
        if (severity == ResultSeverityEnum.ERROR || severity == ResultSeverityEnum.FATAL) {
          errors++;
          lines.add("  error " + message.getLocationString() + ": " + message.getMessage());
        } else if (severity == ResultSeverityEnum.WARNING) {
          warnings++;
        }
      }
      System.out.println(file.getFileName() + " errors=" + errors + " warnings=" + warnings);
      lines.forEach(System.out::println);
      total += errors;
    }
    System.out.println("total errors=" + total);
  }

  private static List<Path> files(String[] args) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String arg : args) {
      Path path = Path.of(arg);
      if (Files.isDirectory(path)) {
        try (Stream<Path> listed = Files.list(path)) {
          listed.filter(p -> p.toString().endsWith(".json")).sorted().forEach(found::add);
        }
      } else {
        found.add(path);
      }
    }
    return found;
  }
}
