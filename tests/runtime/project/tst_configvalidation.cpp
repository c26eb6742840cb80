#include "project/configloader.h"

#include <QTest>

using namespace ktx;

class TestConfigValidation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Each broken config gets exactly one issue: its severity, message, line, column and fix.
    void brokenConfigs_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("severity");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("fixContains");

        QTest::newRow("unknown backend")
            << QByteArray("llm:\n  provider:\n    backend: nope\n") << "error"
            << "llm.provider.backend"
            << "Unsupported llm.provider.backend: nope" << 3 << 14 << "Use one of: none, anthropic";
        QTest::newRow("unknown top-level key")
            << QByteArray("connections: {}\nmemory:\n  commit: true\n") << "warning"
            << "memory"
            << "Unsupported memory: unknown field (ignored)" << 2 << 1 << "it is ignored";
        QTest::newRow("unknown nested key")
            << QByteArray("ingest:\n  workUnits:\n    stepBudgett: 10\n") << "warning"
            << "ingest.workUnits.stepBudgett"
            << "Unsupported ingest.workUnits.stepBudgett: unknown field (ignored)" << 3 << 5
            << "Delete it";
        QTest::newRow("not a number")
            << QByteArray("ingest:\n  workUnits:\n    stepBudget: lots\n") << "error"
            << "ingest.workUnits.stepBudget"
            << "ingest.workUnits.stepBudget: expected a whole number, got \"lots\"" << 3 << 17
            << "between 1 and 1000";
        QTest::newRow("out of range")
            << QByteArray("ingest:\n  workUnits:\n    maxConcurrency: 0\n") << "error"
            << "ingest.workUnits.maxConcurrency"
            << "ingest.workUnits.maxConcurrency: 0 is out of range" << 3 << 21
            << "between 1 and 64";
        QTest::newRow("bad boolean")
            << QByteArray("scan:\n  relationships:\n    enabled: maybe\n") << "error"
            << "scan.relationships.enabled"
            << "scan.relationships.enabled: expected true or false, got \"maybe\"" << 3 << 14
            << "`true` or `false`";
        QTest::newRow("bad enum") << QByteArray("review:\n  mode: manual\n") << "error"
                                  << "review.mode"
                                  << "review.mode: must be one of auto, review, got \"manual\"" << 2
                                  << 9 << "Use one of: auto, review";
        QTest::newRow("threshold above 1")
            << QByteArray("scan:\n  relationships:\n    acceptThreshold: 1.5\n") << "error"
            << "scan.relationships.acceptThreshold"
            << "scan.relationships.acceptThreshold: 1.5 is out of range" << 3 << 22
            << "between 0 and 1";
        QTest::newRow("unknown model role")
            << QByteArray("llm:\n  models:\n    fancy: x\n") << "error"
            << "llm.models.fancy"
            << "llm.models.fancy: unknown key \"fancy\"" << 3 << 5 << "default, triage";
        QTest::newRow("connection without driver")
            << QByteArray("connections:\n  w:\n    path: a.db\n") << "error"
            << "connections.w.driver"
            << "connections.w.driver: required" << 2 << 3 << "driver: sqlite";
        QTest::newRow("unknown driver")
            << QByteArray("connections:\n  w:\n    driver: oracle\n") << "error"
            << "connections.w.driver"
            << "Unsupported connections.w.driver: oracle" << 3 << 13 << "postgres";
        QTest::newRow("bad connection id")
            << QByteArray("connections:\n  \"my db\":\n    driver: sqlite\n") << "error"
            << "connections.my db"
            << "connections.my db: invalid connection id \"my db\"" << 2 << 3 << "letters, digits";
        QTest::newRow("bad port") << QByteArray(
            "connections:\n  pg:\n    driver: postgres\n    port: 99999\n")
                                  << "error"
                                  << "connections.pg.port"
                                  << "connections.pg.port: 99999 is out of range" << 4 << 11
                                  << "between 1 and 65535";
        QTest::newRow("schemas not a list")
            << QByteArray("connections:\n  pg:\n    driver: postgres\n    schemas:\n      a: b\n")
            << "error"
            << "connections.pg.schemas"
            << "connections.pg.schemas: expected a list, got a mapping" << 5 << 7
            << "one `- item` per line";
        QTest::newRow("lookml missing repoUrl")
            << QByteArray("connections:\n  looks:\n    driver: lookml\n") << "error"
            << "connections.looks.repoUrl"
            << "connections.looks.repoUrl: required" << 3 << 5 << "Add `repoUrl:`";
        QTest::newRow("vertex without location")
            << QByteArray("llm:\n  provider:\n    backend: vertex\n    vertex:\n      project: p\n")
            << "error"
            << "llm.provider.vertex.location"
            << "llm.provider.vertex.location: required" << 5 << 7 << "Add `location:`";
        QTest::newRow("block where scalar expected")
            << QByteArray("storage:\n  state:\n    - sqlite\n") << "error"
            << "storage.state"
            << "storage.state: expected text, got a list" << 3 << 5 << "single value";
        QTest::newRow("top-level list")
            << QByteArray("- a\n- b\n") << "error"
            << ""
            << "ktx.yaml must contain a YAML object" << 1 << 1 << "top-level keys";
        QTest::newRow("parse error")
            << QByteArray("connections:\n  w:\n    driver: sqlite\n   path: x\n") << "error"
            << ""
            << "" << 4 << 4 << "YAML syntax";
    }

    void brokenConfigs()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, severity);
        QFETCH(QString, path);
        QFETCH(QString, message);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, fixContains);

        const LoadedConfig loaded = ConfigLoader::fromText(yaml, QStringLiteral("/p/ktx.yaml"));
        QCOMPARE(loaded.issues.size(), 1);
        const ConfigIssue &issue = loaded.issues.constFirst();
        QCOMPARE(issue.severityName(), severity);
        QCOMPARE(issue.path, path);
        if (message.isEmpty())
            QVERIFY2(issue.message.startsWith(QStringLiteral("ktx.yaml parse error: ")),
                     qPrintable(issue.message));
        else
            QCOMPARE(issue.message, message);
        QCOMPARE(issue.line, line);
        if (column > 0)
            QCOMPARE(issue.column, column);
        QVERIFY2(issue.fix.contains(fixContains), qPrintable(issue.fix));
        QCOMPARE(issue.file, QStringLiteral("/p/ktx.yaml"));
        QCOMPARE(loaded.hasErrors(), severity == QLatin1String("error"));
    }

    void validConfigHasNoIssuesAndTypedValues()
    {
        const QByteArray yaml = R"(setup:
  database_connection_ids: [warehouse]
connections:
  warehouse:
    driver: postgres
    host: db.internal
    port: 5432
    schemas: [analytics]
    context:            # open object: passed through
      queryHistory:
        enabled: true
  dbt_main:
    driver: dbt
    source_dir: ./dbt
llm:
  provider:
    backend: claude-code
  models:
    default: sonnet
    triage: haiku
  promptCaching:
    enabled: false
ingest:
  adapters: [live-database, dbt]
  embeddings:
    backend: openai
    model: text-embedding-3-small
    dimensions: 1536
  workUnits:
    stepBudget: 25
    maxConcurrency: 3
    failureMode: abort
scan:
  relationships:
    validationBudget: all
review:
  mode: review
)";
        const LoadedConfig loaded = ConfigLoader::fromText(yaml);
        QVERIFY2(loaded.issues.isEmpty(),
                 loaded.issues.isEmpty() ? "" : qPrintable(loaded.issues.first().message));
        const ProjectConfig &c = loaded.config;
        QCOMPARE(c.connections.size(), 2);
        QCOMPARE(c.connections[0].id, QStringLiteral("warehouse"));
        QCOMPARE(c.connections[0].kind(), ConnectionKind::Warehouse);
        QCOMPARE(c.connections[0].field("host"), QStringLiteral("db.internal"));
        QVERIFY(c.connections[0].fields.value("context").toMap().contains("queryHistory"));
        QCOMPARE(c.connections[1].kind(), ConnectionKind::ContextSource);
        QCOMPARE(c.databaseConnectionIds(), QStringList {"warehouse"});
        QCOMPARE(c.contextSourceConnectionIds(), QStringList {"dbt_main"});
        QCOMPARE(c.llm.backend, QStringLiteral("claude-code"));
        QCOMPARE(c.llm.modelFor("triage"), QStringLiteral("haiku"));
        QCOMPARE(c.llm.modelFor("curator"), QStringLiteral("sonnet")); // falls back to default
        QCOMPARE(c.llm.promptCaching.enabled, std::optional<bool>(false));
        QCOMPARE(c.ingest.adapters, (QStringList {"live-database", "dbt"}));
        QCOMPARE(c.ingest.embeddings.dimensions, 1536);
        QCOMPARE(c.ingest.stepBudget, 25);
        QCOMPARE(c.ingest.maxConcurrency, 3);
        QCOMPARE(c.ingest.failureMode, QStringLiteral("abort"));
        QCOMPARE(c.scan.relationships.validationBudget, QStringLiteral("all"));
        QCOMPARE(c.review.mode, QStringLiteral("review"));
    }

    void defaultsWhenSilent()
    {
        const LoadedConfig loaded = ConfigLoader::fromText("connections: {}\n");
        QVERIFY(loaded.issues.isEmpty());
        QCOMPARE(loaded.config.llm.backend, QStringLiteral("none"));
        QCOMPARE(loaded.config.ingest.stepBudget, 40);
        QCOMPARE(loaded.config.ingest.embeddings.backend, QStringLiteral("none"));
        QCOMPARE(loaded.config.storage.gitAuthor, QStringLiteral("ktx <ktx@example.com>"));
        QCOMPARE(loaded.config.agent.defaultToolset.size(), 3);
        QVERIFY(loaded.config.review.mode.isEmpty());
    }

    void invalidValueFallsBackToDefault()
    {
        const LoadedConfig loaded = ConfigLoader::fromText(
            "ingest:\n  workUnits:\n    stepBudget: lots\n    maxConcurrency: 2\n");
        QVERIFY(loaded.hasErrors());
        QCOMPARE(loaded.config.ingest.stepBudget, 40);
        QCOMPARE(loaded.config.ingest.maxConcurrency, 2);
    }
};

QTEST_GUILESS_MAIN(TestConfigValidation)
#include "tst_configvalidation.moc"
