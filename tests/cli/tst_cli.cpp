// Drives the real `ktx` binary the way a user types it.
#include "project/yamldocument.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runKtx(const QStringList &args, const QString &workDir = QDir::currentPath(),
           const QProcessEnvironment &extra = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("KTX_PROJECT_DIR");
    env.remove("DISPLAY");
    env.remove("WAYLAND_DISPLAY");
    env.remove("QT_QPA_PLATFORM"); // the CLI must not need any platform plugin
    for (const QString &key : extra.keys())
        env.insert(key, extra.value(key));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpAndVersion()
    {
        Run r = runKtx({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("ktx "));
        r = runKtx({"--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("status"));
        QVERIFY(r.out.contains("setup --no-input"));
        // only commands that work are listed
        QVERIFY(r.out.contains("ingest"));
        QVERIFY(r.out.contains("mcp [status|start|stop|logs|stdio]"));
        r = runKtx({});
        QCOMPARE(r.exitCode, 2);
        r = runKtx({"frobnicate"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
        r = runKtx({"status", "--bogus"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("bogus"));
        r = runKtx({"status", "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--validate"));
    }

    void statusOutsideProject()
    {
        QTemporaryDir tmp;
        Run r = runKtx({"status"}, tmp.path());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.contains("No ktx project here yet."));
        r = runKtx({"--json", "status"}, tmp.path());
        QCOMPARE(r.exitCode, 1);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json.value("error").toString(), QStringLiteral("missing_project"));
    }

    void setupThenStatus()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("analytics");
        writeFile(tmp.filePath("shop.sqlite"), "x");
        Run r = runKtx({"setup", "--no-input", "--project-dir", dir, "--database", "sqlite",
                        "--database-url", tmp.filePath("shop.sqlite"), "--database-connection-id",
                        "shop"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("connection shop (sqlite)"));
        QVERIFY(QFileInfo::exists(dir + "/.git"));

        // status from a subfolder finds the project upward
        r = runKtx({"status"}, dir + "/wiki/global");
        QCOMPARE(r.exitCode, 0); // partial: no LLM, no context yet
        QVERIFY2(r.out.contains("Databases configured") && r.out.contains("yes (shop)"),
                 r.out.constData());

        r = runKtx({"status", "--json"}, dir);
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error;
        const QJsonObject json = QJsonDocument::fromJson(r.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(json.value("verdict").toString(), QStringLiteral("partial"));
        QStringList labels;
        for (const QJsonValue &line : json.value("lines").toArray())
            labels << line.toObject().value("label").toString();
        QCOMPARE(labels,
                 (QStringList {"ktx project", "Project ready", "LLM ready", "Embeddings ready",
                               "Databases configured", "Context sources configured",
                               "ktx context built", "Agent integration ready"}));
        QCOMPARE(json.value("connections").toArray().at(0).toObject().value("name").toString(),
                 QStringLiteral("shop"));

        // KTX_PROJECT_DIR works from anywhere
        QProcessEnvironment env;
        env.insert("KTX_PROJECT_DIR", dir);
        r = runKtx({"status", "--json"}, tmp.path(), env);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value("projectDir").toString(),
                 QDir::cleanPath(dir));
    }

    // The "Done when" case: a hand-commented ktx.yaml keeps every comment when
    // setup adds a SQLite connection.
    void setupKeepsHandWrittenComments()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("p");
        QCOMPARE(runKtx({"admin", "init", dir}).exitCode, 0);
        const QByteArray handWritten = R"(# Finance analytics — owned by data-platform.
# Do not put secrets here.

connections:
  # The production replica (read-only role).
  warehouse:
    driver: postgres
    url: env:WAREHOUSE_URL   # set by direnv
    schemas:
      - analytics

# We run without a model for now.
llm:
  provider:
    backend: none

ingest:
  workUnits:
    stepBudget: 30   # tuned in March
)";
        writeFile(dir + "/ktx.yaml", handWritten);
        writeFile(dir + "/data/local.sqlite", "x");
        Run r = runKtx({"setup", "--no-input", "--project-dir", dir, "--database", "sqlite",
                        "--database-url", dir + "/data/local.sqlite", "--database-connection-id",
                        "local"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray after = readAll(dir + "/ktx.yaml");
        QByteArray expected = handWritten;
        expected.replace(
            "      - analytics\n",
            "      - analytics\n  local:\n    driver: sqlite\n    path: data/local.sqlite\n");
        QCOMPARE(after, expected);
        auto doc = YamlDocument::parse(after);
        QVERIFY(doc.ok());
        QCOMPARE(doc->at({"connections", "local", "path"})->text,
                 QStringLiteral("data/local.sqlite"));
        // the change is committed in the project's own repository
        QProcess git;
        git.setWorkingDirectory(dir);
        git.start("git", {"log", "-1", "--format=%s"});
        git.waitForFinished();
        QCOMPARE(git.readAllStandardOutput().trimmed(),
                 QByteArray("setup: update ktx project config"));

        // Changing the LLM backend rewrites only the lines it must.
        r = runKtx({"setup", "--no-input", "--project-dir", dir, "--llm-backend", "claude-code"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QByteArray expectedLlm = expected;
        expectedLlm.replace(
            "    backend: none\n",
            "    backend: claude-code\n  models:\n    default: sonnet\n    triage: haiku\n"
            "    candidateExtraction: sonnet\n    curator: opus\n    reconcile: opus\n    repair: "
            "haiku\n");
        expectedLlm.replace(
            "    stepBudget: 30   # tuned in March\n",
            "    stepBudget: 30   # tuned in March\nscan:\n  enrichment:\n    mode: llm\n");
        QCOMPARE(readAll(dir + "/ktx.yaml"), expectedLlm);
    }

    void setupErrorsLoseNothing()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("p");
        QCOMPARE(runKtx({"admin", "init", dir}).exitCode, 0);
        const QByteArray before = readAll(dir + "/ktx.yaml");
        Run r = runKtx({"setup", "--no-input", "--project-dir", dir, "--database", "sqlite",
                        "--database-url", tmp.filePath("missing.db")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("SQLite file not found"));
        r = runKtx({"setup", "--no-input", "--project-dir", dir, "--database", "oracle"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("invalid choice 'oracle'"));
        r = runKtx({"setup", "--project-dir", dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("ktx-desktop --wizard"));
        r = runKtx({"setup", "--no-input", "--project-dir", dir, "--llm-backend", "anthropic"},
                   QDir::currentPath(), [] {
                       QProcessEnvironment e;
                       e.insert("ANTHROPIC_API_KEY", "");
                       return e;
                   }());
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("Missing Anthropic API key"));
        QCOMPARE(readAll(dir + "/ktx.yaml"), before);
    }

    void secretUrlNeverReachesConfigOrOutput()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("p");
        const QString url = "postgres://analyst:Sup3r-S3cret-Pw@db.internal:5432/shop";
        Run r = runKtx({"--json", "setup", "--no-input", "--project-dir", dir, "--database",
                        "postgres", "--database-url", url, "--database-schema", "public",
                        "--database-connection-id", "pg"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.out.contains("Sup3r-S3cret-Pw"));
        const QByteArray config = readAll(dir + "/ktx.yaml");
        QVERIFY(!config.contains("Sup3r-S3cret-Pw"));
        QVERIFY(config.contains("url: file:.ktx/secrets/pg-url"));
        QVERIFY(readAll(dir + "/.ktx/secrets/pg-url").startsWith(url.toUtf8()));
        r = runKtx({"status", "--project-dir", dir});
        QVERIFY(!r.out.contains("Sup3r-S3cret-Pw"));
        QVERIFY(r.out.contains("url configured"));
        // secrets are not committed: .ktx/ is ignored
        QProcess git;
        git.setWorkingDirectory(dir);
        git.start("git", {"ls-files"});
        git.waitForFinished();
        QVERIFY(!git.readAllStandardOutput().contains(".ktx"));
    }

    // Issue B's acceptance: the demo's structural ingest writes sources with
    // grain, columns and joins; a second run writes nothing.
    void demoIngestTwice()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("demo");
        QCOMPARE(runKtx({"admin", "demo", dir}).exitCode, 0);
        Run r = runKtx({"ingest", "--all", "--json"}, dir);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject result
            = QJsonDocument::fromJson(r.out).object().value("results").toArray().at(0).toObject();
        QCOMPARE(result.value("connectionId").toString(), QStringLiteral("demo_warehouse"));
        QCOMPARE(result.value("diff").toObject().value("added").toInt(), 14);
        QVERIFY(!result.value("commitId").toString().isEmpty());
        const QByteArray payments = readAll(dir + "/semantic-layer/demo_warehouse/payments.yaml");
        QVERIFY(payments.contains("grain:\n  - payment_id\n"));
        QVERIFY(payments.contains("  - name: amount\n    type: number\n"));
        QVERIFY(payments.contains("\"on\": payments.order_id = orders.order_id"));

        QProcess git;
        git.setWorkingDirectory(dir);
        git.start("git", {"rev-parse", "HEAD"});
        git.waitForFinished();
        const QByteArray head = git.readAllStandardOutput();
        r = runKtx({"ingest"}, dir);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("14 tables, unchanged"), r.out.constData());
        git.start("git", {"rev-parse", "HEAD"});
        git.waitForFinished();
        QCOMPARE(git.readAllStandardOutput(), head);
        git.start("git", {"status", "--porcelain"});
        git.waitForFinished();
        QVERIFY(git.readAllStandardOutput().isEmpty());

        r = runKtx({"status", "--json"}, dir);
        const QJsonArray lines = QJsonDocument::fromJson(r.out).object().value("lines").toArray();
        for (const QJsonValue &line : lines)
            if (line.toObject().value("id").toString() == QLatin1String("context"))
                QCOMPARE(line.toObject().value("status").toString(), QStringLiteral("ok"));

        r = runKtx({"ingest", "nope"}, dir);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("Connection \"nope\" is not configured in ktx.yaml"));
    }

    // --query-history on a driver without query history: a warning, the schema
    // ingest still runs, exit 0.
    // With no model, `ktx ingest --text/--file` stores each note as written, as
    // its own global page, says so, and is idempotent; a clash loses nothing.
    void verbatimCaptureWithoutModel()
    {
        QTemporaryDir tmp;
        const QString project = tmp.filePath("p");
        QCOMPARE(runKtx({"admin", "demo", project}).exitCode, 0);
        const QString note = "# Shipping zones\n\nZone A is domestic. Zone B is the EU.\n";
        const Run first = runKtx({"--project-dir", project, "ingest", "--text", note});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        QVERIFY2(first.err.contains("stored verbatim"), first.err.constData());
        QVERIFY(first.out.contains("wiki/global/shipping-zones.md"));
        const QByteArray page = readAll(project + "/wiki/global/shipping-zones.md");
        QVERIFY2(page.startsWith("---\nsummary: Shipping zones\n"), page.constData());
        QVERIFY(page.endsWith(note.toUtf8()));
        const auto head = [&] {
            QProcess git;
            git.setWorkingDirectory(project);
            git.start("git", {"rev-parse", "HEAD"});
            git.waitForFinished();
            return git.readAllStandardOutput();
        };
        const QByteArray landed = head();

        // Same body again: nothing changes.
        const Run again = runKtx({"--project-dir", project, "ingest", "--text", note});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains("(unchanged)"));
        QCOMPARE(head(), landed);

        // A different body at the key, or no heading: an error each, nothing written.
        const Run clash = runKtx({"--project-dir", project, "ingest", "--text",
                                  "# Shipping zones\n\nSomething else.\n", "--json"});
        QCOMPARE(clash.exitCode, 1);
        QVERIFY(clash.out.contains("A different page already exists"));
        const Run untitled
            = runKtx({"--project-dir", project, "ingest", "--text", "no heading at all"});
        QCOMPARE(untitled.exitCode, 1);
        QVERIFY(untitled.out.contains("no leading Markdown heading"));
        QCOMPARE(head(), landed);
        QCOMPARE(readAll(project + "/wiki/global/shipping-zones.md"), page);

        // A file: named by its file name; --connection-id sets `connections`.
        writeFile(tmp.filePath("fiscal-year.md"), "The fiscal year starts in February.\n");
        const Run file
            = runKtx({"--project-dir", project, "ingest", "--file", tmp.filePath("fiscal-year.md"),
                      "--connection-id", "demo_warehouse", "--json"});
        QVERIFY2(file.exitCode == 0, file.out.constData());
        const QByteArray fy = readAll(project + "/wiki/global/fiscal-year.md");
        QVERIFY2(fy.contains("summary: The fiscal year starts in February.")
                     && fy.contains("connections:\n  - demo_warehouse"),
                 fy.constData());
        QCOMPARE(runKtx({"--project-dir", project, "ingest", "--verbatim"}).exitCode, 2);
    }

    // --user-id: an id that cannot name wiki/user/<id>/ is refused before
    // anything runs (exit 2, nothing written); verbatim pages stay global
    // whatever the id (ktx-spec §9.5); the flag needs a text item.
    void captureUserIdIsCheckedFirst()
    {
        QTemporaryDir tmp;
        const QString project = tmp.filePath("p");
        QCOMPARE(runKtx({"admin", "demo", project}).exitCode, 0);
        const auto head = [&] {
            QProcess git;
            git.setWorkingDirectory(project);
            git.start("git", {"rev-parse", "HEAD"});
            git.waitForFinished();
            return git.readAllStandardOutput();
        };
        const QByteArray before = head();
        const QString note = "# Holiday calendar\n\nThe office closes on 24 December.\n";
        for (const char *bad : {"../evil", "a/b", ".x", "", "has space"}) {
            const Run r
                = runKtx({"--project-dir", project, "ingest", "--text", note, "--user-id", bad});
            QVERIFY2(r.exitCode == 2, bad);
            QVERIFY2(r.err.contains("Invalid user id") && r.err.contains("letters, digits"),
                     r.err.constData());
        }
        QCOMPARE(head(), before);
        QVERIFY(!QFile::exists(project + "/wiki/global/holiday-calendar.md"));
        QVERIFY(!QDir(project + "/wiki/user").exists());
        QVERIFY(!QDir(project + "/raw-sources/_global").exists());

        const Run noText = runKtx({"--project-dir", project, "ingest", "--user-id", "alice"});
        QCOMPARE(noText.exitCode, 2);
        QVERIFY(noText.err.contains("Provide at least one text item"));

        // No model: verbatim, so the page is global even for alice.
        const Run stored = runKtx(
            {"--project-dir", project, "ingest", "--text", note, "--user-id", "alice", "--json"});
        QVERIFY2(stored.exitCode == 0, stored.err.constData());
        QVERIFY(QFile::exists(project + "/wiki/global/holiday-calendar.md"));
        QVERIFY(!QDir(project + "/wiki/user").exists());
        const QJsonArray wiki = QJsonDocument::fromJson(stored.out)
                                    .object()
                                    .value("results")
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value("captured")
                                    .toObject()
                                    .value("wiki")
                                    .toArray();
        QCOMPARE(wiki, QJsonArray {"holiday-calendar"});

        const Run help = runKtx({"ingest", "--help"});
        QVERIFY(help.out.contains("--user-id <id>"));
        QVERIFY(help.out.contains("local-cli"));
    }

    void queryHistoryUnsupportedDriver()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("demo");
        QCOMPARE(runKtx({"admin", "demo", dir}).exitCode, 0);
        Run r = runKtx({"ingest", "--query-history"}, dir);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("Warning: Query history is not supported for driver \"sqlite\""),
                 r.err.constData());
        QVERIFY2(r.out.startsWith("Ingest finished with skipped query history\n"),
                 r.out.constData());
        QVERIFY(r.out.contains("Skipped query history:\n  demo_warehouse: query history is not "
                               "supported for driver \"sqlite\""));
        QVERIFY(!QDir(dir + "/raw-sources/demo_warehouse/historic-sql").exists());

        r = runKtx({"ingest", "--query-history", "--json"}, dir);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject step = QJsonDocument::fromJson(r.out)
                                     .object()
                                     .value("results")
                                     .toArray()
                                     .at(0)
                                     .toObject()
                                     .value("steps")
                                     .toArray()
                                     .at(1)
                                     .toObject();
        QCOMPARE(step.value("status").toString(), QStringLiteral("skipped"));
        QCOMPARE(step.value("code").toString(), QStringLiteral("unsupported_driver"));

        r = runKtx({"ingest", "--query-history", "--no-query-history"}, dir);
        QCOMPARE(r.exitCode, 2);
    }

    void validateMode()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath("p");
        QCOMPARE(runKtx({"admin", "init", dir}).exitCode, 0);
        writeFile(dir + "/ktx.yaml", "connections: {}\nllm:\n  provider:\n    backend: nope\n");
        Run r = runKtx({"status", "--validate", "--json", "--project-dir", dir});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject json = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(json.value("error").toString(), QStringLiteral("invalid_config"));
        const QJsonObject issue = json.value("issues").toArray().at(0).toObject();
        QCOMPARE(issue.value("message").toString(),
                 QStringLiteral("Unsupported llm.provider.backend: nope"));
        QCOMPARE(issue.value("line").toInt(), 4);
        r = runKtx({"status", "--validate", "--project-dir", dir});
        QVERIFY(r.out.contains("ktx.yaml:4:14  Unsupported llm.provider.backend: nope"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
