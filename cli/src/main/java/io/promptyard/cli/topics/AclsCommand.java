package io.promptyard.cli.topics;

import io.promptyard.cli.OperatorAction;
import io.promptyard.schemas.acls.Acls;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.ResourcePattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code promptyard topics acls}: the Kafka ACLs a team's or a service's principal needs ({@link
 * Acls}), printed as {@code kafka-acls} arguments and, with {@code --apply}, created through the
 * Admin API.
 */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description = {
      "Print the Kafka ACLs a principal needs, one per line as kafka-acls arguments, for a team (write its",
      "ingress topics <prefix>team.<team>., read its reply topics) or a Promptyard service. With --apply, create",
      "them (creating an ACL that exists changes nothing). Topics are created beforehand with promptyard topics",
      "create: these ACLs let no service create one."
    },
    footer = {
      "",
      "Examples:",
      "  promptyard topics acls --team search --principal User:search-app",
      "  promptyard topics acls --service router --principal User:router --apply --command-config admin.properties",
      "  promptyard topics acls --service worker --id promptyard-worker-eu --principal User:worker-eu"
    })
final class AclsCommand extends OperatorAction {

  /** Whose ACLs: one team's or one service's. */
  static final class Subject {
    @Option(names = "--team", paramLabel = "TEAM", description = "a team's producer principal")
    String team;

    @Option(
        names = "--service",
        paramLabel = "ROLE",
        description = "router, worker, aggregator or operator",
        converter = RoleConverter.class)
    Acls.Role service;
  }

  @ArgGroup(multiplicity = "1")
  Subject subject;

  @Option(
      names = "--principal",
      required = true,
      paramLabel = "TYPE:NAME",
      description = "the Kafka principal, e.g. User:router")
  String principal;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description =
          "the service's Kafka Streams application id (router, aggregator) or group (worker), as"
              + " configured (default: the service's default)")
  String id;

  @Option(names = "--apply", description = "create the ACLs on the cluster")
  boolean apply;

  @Override
  protected boolean changesSomething() {
    return apply;
  }

  @Override
  protected String act(PrintWriter out) throws Exception {
    Acls acls = Acls.of(connection.topics());
    List<AclBinding> bindings =
        subject.team != null
            ? acls.forTeam(subject.team, principal)
            : acls.forRole(
                subject.service, principal, id != null ? id : subject.service.defaultId());
    bindings.forEach(b -> out.println(kafkaAclsArguments(b)));
    if (!apply) {
      return bindings.size() + " ACL(s) printed for " + principal;
    }
    out.flush();
    aboutToAct();
    try (Admin admin = Admin.create(connection.kafkaClientConfig())) {
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
    }
    String applied = bindings.size() + " ACL(s) applied for " + principal;
    out.println(applied);
    return applied;
  }

  /**
   * One binding as the arguments of {@code kafka-acls --add}, e.g. {@code --allow-principal
   * User:router --operation Write --topic promptyard.results --resource-pattern-type literal}.
   */
  static String kafkaAclsArguments(AclBinding binding) {
    ResourcePattern resource = binding.pattern();
    String target =
        switch (resource.resourceType()) {
          case TOPIC -> "--topic " + resource.name();
          case GROUP -> "--group " + resource.name();
          case TRANSACTIONAL_ID -> "--transactional-id " + resource.name();
          case CLUSTER -> "--cluster";
          default ->
              "--"
                  + resource.resourceType().name().toLowerCase(Locale.ROOT)
                  + " "
                  + resource.name();
        };
    return "--allow-principal "
        + binding.entry().principal()
        + " --operation "
        + camelCase(binding.entry().operation().name())
        + " "
        + target
        + " --resource-pattern-type "
        + resource.patternType().name().toLowerCase(Locale.ROOT);
  }

  private static String camelCase(String constant) {
    StringBuilder name = new StringBuilder();
    for (String word : constant.split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  /** {@code router}, {@code Worker}: any case. */
  static final class RoleConverter implements picocli.CommandLine.ITypeConverter<Acls.Role> {
    @Override
    public Acls.Role convert(String value) {
      try {
        return Acls.Role.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not a role; use router, worker, aggregator or operator");
      }
    }
  }
}
