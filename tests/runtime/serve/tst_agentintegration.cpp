// Agent-client integration: the JSON and TOML splices that keep users' files
// intact, the install manifest, idempotent re-runs and removal.
#include "serve/agentinstalljson.h"
#include "serve/agentinstallmanifest.h"
#include "serve/agentinstalltoml.h"
#include "serve/agentintegration.h"
#include "serve/agentintegrationtexts.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes) == bytes.size();
}

QJsonObject jsonOf(const QByteArray &bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

// Every file under `dir`, relative path → bytes.
QMap<QString, QByteArray> snapshot(const QString &dir)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        files.insert(QDir(dir).relativeFilePath(path), readFile(path));
    }
    return files;
}

const QByteArray userMcpJson
    = QByteArray("{\n"
                 "  \"mcpServers\": {\n"
                 "    \"github\": {\n"
                 "      \"command\": \"npx\",\n"
                 "      \"args\": [\"-y\", \"@modelcontextprotocol/server-github\"]\n"
                 "    },\n"
                 "    \"analytics-old\": { \"url\": \"http://example.test/mcp\" }\n"
                 "  },\n"
                 "  \"zzz\": 1,\n"
                 "  \"aaa\": [1, 2, 3]\n"
                 "}\n");

const QByteArray codexConfig
    = QByteArray("# Codex settings — hand-edited, keep the comments.\n"
                 "model = \"o3\"   # the default\n"
                 "approval_policy = \"on-request\"\n"
                 "\n"
                 "[mcp_servers.github]\n"
                 "command = \"npx\"\n"
                 "args = [\"-y\", \"@modelcontextprotocol/server-github\"]\n"
                 "\n"
                 "# A note about the profiles below.\n"
                 "[profiles.fast]\n"
                 "model = \"o4-mini\"\n");

} // namespace

class TestAgentIntegration : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_counter = 0;

    // A fresh project (ktx.yaml only) plus home and CODEX_HOME folders.
    struct Fixture
    {
        QString project;
        QString home;
        QString codexHome;
    };
    Fixture fixture()
    {
        const QString base = m_tmp.filePath(QString::number(++m_counter));
        Fixture f {base + QStringLiteral("/project"), base + QStringLiteral("/home"),
                   base + QStringLiteral("/home/.codex")};
        QDir().mkpath(f.project);
        QDir().mkpath(f.home);
        writeFile(f.project + QStringLiteral("/ktx.yaml"), "connections: {}\n");
        return f;
    }

    AgentIntegrationRequest request(const Fixture &f, const QStringList &targets,
                                    const QString &scope = QStringLiteral("project"),
                                    const QString &mode = QStringLiteral("mcp"))
    {
        AgentIntegrationRequest r;
        r.projectDir = f.project;
        r.targets = targets;
        r.scope = scope;
        r.mode = mode;
        r.homeDir = f.home;
        r.codexHome = f.codexHome;
        r.tokenAuth = false;
        r.ktxCommand = QStringLiteral("/opt/ktx/bin/ktx");
        return r;
    }

    // Plans and applies; fails the test on an error.
    AgentIntegrationPlan install(const AgentIntegrationRequest &r)
    {
        Result<AgentIntegrationPlan> plan = AgentIntegration::planInstall(r);
        if (!plan.ok()) {
            qWarning() << plan.error().toText();
            return {};
        }
        Result<AgentIntegrationPlan> applied = AgentIntegration::apply(*plan);
        if (!applied.ok()) {
            qWarning() << applied.error().toText();
            return {};
        }
        return *applied;
    }

    static int count(const AgentIntegrationPlan &plan, AgentFileChange::Action action)
    {
        return int(
            std::count_if(plan.changes.cbegin(), plan.changes.cend(),
                          [action](const AgentFileChange &c) { return c.action == action; }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qunsetenv("KTX_MCP_TOKEN");
        qunsetenv("CODEX_HOME");
    }

    // --- JSON splices -------------------------------------------------------

    void jsonSetKeepsEverythingElse()
    {
        const QJsonObject entry {
            {QStringLiteral("type"), QStringLiteral("http")},
            {QStringLiteral("url"), QStringLiteral("http://localhost:7878/mcp")}};
        const QStringList path = {QStringLiteral("mcpServers"), QStringLiteral("ktx")};
        Result<QByteArray> out
            = AgentInstallJson::set(userMcpJson, path, entry, QStringLiteral("f"));
        QVERIFY(out.ok());
        // Key order, inline arrays, the one-line server and two-space indent all stay.
        const QByteArray expected
            = QByteArray("{\n"
                         "  \"mcpServers\": {\n"
                         "    \"github\": {\n"
                         "      \"command\": \"npx\",\n"
                         "      \"args\": [\"-y\", \"@modelcontextprotocol/server-github\"]\n"
                         "    },\n"
                         "    \"analytics-old\": { \"url\": \"http://example.test/mcp\" },\n"
                         "    \"ktx\": {\n"
                         "      \"type\": \"http\",\n"
                         "      \"url\": \"http://localhost:7878/mcp\"\n"
                         "    }\n"
                         "  },\n"
                         "  \"zzz\": 1,\n"
                         "  \"aaa\": [1, 2, 3]\n"
                         "}\n");
        QCOMPARE(*out, expected);
        // Setting it again is byte-identical, even when written in another format.
        QCOMPARE(*AgentInstallJson::set(*out, path, entry, QStringLiteral("f")), *out);
        // A changed value replaces only that value.
        QJsonObject moved = entry;
        moved.insert(QStringLiteral("url"), QStringLiteral("http://127.0.0.1:9000/mcp"));
        Result<QByteArray> replaced = AgentInstallJson::set(*out, path, moved, QStringLiteral("f"));
        QVERIFY(replaced.ok());
        QCOMPARE(
            QByteArray(*replaced).replace("http://127.0.0.1:9000/mcp", "http://localhost:7878/mcp"),
            *out);
        // Removing the key gives back the user's file exactly.
        QCOMPARE(*AgentInstallJson::remove(*out, path, 1, QStringLiteral("f")), userMcpJson);
    }

    void jsonSetCreatesMissingObjects_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("blank") << QByteArray("  \n")
                               << QByteArray("{\n  \"projects\": {\n    \"/p\": {\n      "
                                             "\"mcpServers\": {\n        \"ktx\": 1\n      }\n"
                                             "    }\n  }\n}\n");
        QTest::newRow("empty object") << QByteArray("{}\n")
                                      << QByteArray("{\n  \"projects\": {\n    \"/p\": {\n      "
                                                    "\"mcpServers\": {\n        \"ktx\": 1\n      "
                                                    "}\n    }\n  }\n}\n");
        QTest::newRow("four spaces")
            << QByteArray("{\n    \"projects\": {\n        \"/p\": {\n            \"x\": true\n"
                          "        }\n    }\n}")
            << QByteArray("{\n    \"projects\": {\n        \"/p\": {\n            \"x\": true,\n"
                          "            \"mcpServers\": {\n                \"ktx\": 1\n"
                          "            }\n        }\n    }\n}");
        QTest::newRow("one line") << QByteArray("{\"a\": 1}")
                                  << QByteArray("{\"a\": 1, \"projects\": {\"/p\":{\"mcpServers\":"
                                                "{\"ktx\":1}}}}");
    }

    void jsonSetCreatesMissingObjects()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        const QStringList path = {QStringLiteral("projects"), QStringLiteral("/p"),
                                  QStringLiteral("mcpServers"), QStringLiteral("ktx")};
        Result<QByteArray> out = AgentInstallJson::set(input, path, 1, QStringLiteral("f"));
        QVERIFY2(out.ok(), qPrintable(out.ok() ? QString() : out.error().toText()));
        QCOMPARE(*out, expected);
        // Pruning removal takes away exactly what set added.
        Result<QByteArray> back = AgentInstallJson::remove(*out, path, 0, QStringLiteral("f"));
        QVERIFY(back.ok());
        QCOMPARE(jsonOf(*back), jsonOf(input.trimmed().isEmpty() ? QByteArray("{}") : input));
    }

    void jsonMalformedNamesFileAndLine()
    {
        const QByteArray broken = "{\n  \"mcpServers\": {\n    \"a\": 1,,\n  }\n}\n";
        Result<QByteArray> out = AgentInstallJson::set(broken, {QStringLiteral("x")}, 1,
                                                       QStringLiteral("/p/.mcp.json"));
        QVERIFY(!out.ok());
        QCOMPARE(out.error().code, QStringLiteral("agent_config_invalid"));
        QCOMPARE(out.error().line, 3);
        QVERIFY(out.error().message.contains(QStringLiteral("/p/.mcp.json")));
        QVERIFY(out.error().message.contains(QStringLiteral("line 3")));

        Result<QByteArray> array
            = AgentInstallJson::set("[1]", {QStringLiteral("x")}, 1, QStringLiteral("f"));
        QVERIFY(!array.ok());
        // A non-object on the way is the user's value: never replaced.
        Result<QByteArray> notObject = AgentInstallJson::set(
            "{\"mcpServers\": []}", {QStringLiteral("mcpServers"), QStringLiteral("ktx")}, 1,
            QStringLiteral("f"));
        QVERIFY(!notObject.ok());
        QVERIFY(notObject.error().message.contains(QStringLiteral("\"mcpServers\"")));
    }

    void jsonRemoveFirstMiddleLast()
    {
        const QByteArray text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n";
        QCOMPARE(*AgentInstallJson::remove(text, {QStringLiteral("a")}, 0, {}),
                 QByteArray("{\n  \"b\": 2,\n  \"c\": 3\n}\n"));
        QCOMPARE(*AgentInstallJson::remove(text, {QStringLiteral("b")}, 0, {}),
                 QByteArray("{\n  \"a\": 1,\n  \"c\": 3\n}\n"));
        QCOMPARE(*AgentInstallJson::remove(text, {QStringLiteral("c")}, 0, {}),
                 QByteArray("{\n  \"a\": 1,\n  \"b\": 2\n}\n"));
        QCOMPARE(*AgentInstallJson::remove(text, {QStringLiteral("zz")}, 0, {}), text);
    }

    // --- TOML splices -------------------------------------------------------

    void tomlAppendReplaceRemove()
    {
        const QByteArray body = "url = \"http://localhost:7878/mcp\"\n";
        Result<QByteArray> added = AgentInstallToml::setTable(
            codexConfig, QStringLiteral("mcp_servers.ktx"), body, QStringLiteral("config.toml"));
        QVERIFY(added.ok());
        QCOMPARE(*added,
                 codexConfig + "\n[mcp_servers.ktx]\nurl = \"http://localhost:7878/mcp\"\n");
        QCOMPARE(*AgentInstallToml::setTable(*added, QStringLiteral("mcp_servers.ktx"), body, {}),
                 *added);
        QCOMPARE(*AgentInstallToml::removeTable(*added, QStringLiteral("mcp_servers.ktx"), {}),
                 codexConfig);
    }

    void tomlReplacesTableInTheMiddle()
    {
        const QByteArray before = QByteArray("model = \"o3\"\n"
                                             "\n"
                                             "[mcp_servers.ktx]   # ours\n"
                                             "url = \"http://old:1/mcp\"\n"
                                             "startup_timeout_sec = 5\n"
                                             "\n"
                                             "[mcp_servers.ktx.env]\n"
                                             "A = \"1\"\n"
                                             "\n"
                                             "# about github\n"
                                             "[mcp_servers.github]\n"
                                             "command = \"npx\"\n");
        const QByteArray body = "url = \"http://localhost:7878/mcp\"\nbearer_token_env_var = "
                                "\"KTX_MCP_TOKEN\"\n";
        Result<QByteArray> out
            = AgentInstallToml::setTable(before, QStringLiteral("mcp_servers.ktx"), body, {});
        QVERIFY(out.ok());
        QCOMPARE(*out,
                 QByteArray(QByteArray("model = \"o3\"\n"
                                       "\n"
                                       "[mcp_servers.ktx]\n"
                                       "url = \"http://localhost:7878/mcp\"\n"
                                       "bearer_token_env_var = \"KTX_MCP_TOKEN\"\n"
                                       "\n"
                                       "# about github\n"
                                       "[mcp_servers.github]\n"
                                       "command = \"npx\"\n")));
        QCOMPARE(AgentInstallToml::tableText(*out, QStringLiteral("mcp_servers.ktx")),
                 "[mcp_servers.ktx]\n" + body);
        Result<QByteArray> removed
            = AgentInstallToml::removeTable(*out, QStringLiteral("mcp_servers.ktx"), {});
        QCOMPARE(*removed,
                 QByteArray("model = \"o3\"\n\n# about github\n[mcp_servers.github]\n"
                            "command = \"npx\"\n"));
    }

    void tomlIgnoresHeadersInsideStringsAndKeepsCrLf()
    {
        const QByteArray text = "a = \"\"\"\r\n[mcp_servers.ktx]\r\n\"\"\"\r\n[x]\r\nb = 1\r\n";
        Result<QByteArray> out = AgentInstallToml::setTable(text, QStringLiteral("mcp_servers.ktx"),
                                                            "url = \"u\"\n", {});
        QVERIFY(out.ok());
        QVERIFY(out->startsWith(text));
        QVERIFY(out->endsWith("\r\n[mcp_servers.ktx]\r\nurl = \"u\"\r\n"));
    }

    void tomlRefusesOtherSpellings_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::newRow("inline") << QByteArray(
            "model = 1\nmcp_servers = { ktx = { url = \"u\" } }\n")
                                << 2;
        QTest::newRow("dotted root") << QByteArray("# c\n\nmcp_servers.ktx.url = \"u\"\n") << 3;
        QTest::newRow("under parent") << QByteArray("[mcp_servers]\nktx = { url = \"u\" }\n") << 2;
    }

    void tomlRefusesOtherSpellings()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        Result<QByteArray> out = AgentInstallToml::setTable(
            text, QStringLiteral("mcp_servers.ktx"), "url = \"u\"\n", QStringLiteral("c.toml"));
        QVERIFY(!out.ok());
        QCOMPARE(out.error().line, line);
        QVERIFY(out.error().message.contains(QStringLiteral("c.toml")));
    }

    // --- Texts --------------------------------------------------------------

    void textsAreFilledIn()
    {
        const AgentIntegrationTexts::Context context {QStringLiteral("/opt/ktx bin/ktx"),
                                                      QStringLiteral("/data/proj"),
                                                      QStringLiteral("http://localhost:7878/mcp")};
        const QByteArray skill = AgentIntegrationTexts::render(
            AgentIntegrationTexts::Text::Analytics, AgentIntegrationTexts::Format::Skill, context);
        QVERIFY(skill.startsWith("---\nname: ktx-analytics\ndescription: "));
        for (const char *tool : {"discover_data", "wiki_read", "sl_read_source", "entity_details",
                                 "dictionary_search", "sl_query", "sql_execution", "memory_ingest"})
            QVERIFY2(skill.contains(tool), tool);
        QVERIFY(skill.contains("'/opt/ktx bin/ktx' mcp start --project-dir /data/proj"));
        const QByteArray cursor = AgentIntegrationTexts::render(
            AgentIntegrationTexts::Text::Admin, AgentIntegrationTexts::Format::CursorRule, context);
        QVERIFY(cursor.startsWith("---\ndescription: "));
        QVERIFY(cursor.contains("alwaysApply: false"));
        QVERIFY(cursor.contains("status --json --project-dir /data/proj"));
        for (const auto text :
             {AgentIntegrationTexts::Text::Analytics, AgentIntegrationTexts::Text::Admin,
              AgentIntegrationTexts::Text::Rule}) {
            const QByteArray rendered = AgentIntegrationTexts::render(
                text, AgentIntegrationTexts::Format::Markdown, context);
            QVERIFY(rendered.size() > 200);
            QVERIFY(!rendered.contains("{{"));
        }
    }

    // --- Installs -----------------------------------------------------------

    void claudeCodeProjectInstallIsIdempotent()
    {
        const Fixture f = fixture();
        writeFile(f.project + QStringLiteral("/.mcp.json"), userMcpJson);
        const AgentIntegrationPlan first = install(request(f, {QStringLiteral("claude-code")}));
        QCOMPARE(count(first, AgentFileChange::Action::Update), 1); // .mcp.json
        QCOMPARE(count(first, AgentFileChange::Action::Create), 1); // the skill

        const QJsonObject mcp = jsonOf(readFile(f.project + QStringLiteral("/.mcp.json")));
        const QJsonObject servers = mcp.value(QStringLiteral("mcpServers")).toObject();
        QCOMPARE(servers.keys(),
                 (QStringList {QStringLiteral("analytics-old"), QStringLiteral("github"),
                               QStringLiteral("ktx")}));
        QCOMPARE(
            servers.value(QStringLiteral("ktx")).toObject(),
            (QJsonObject {{QStringLiteral("type"), QStringLiteral("http")},
                          {QStringLiteral("url"), QStringLiteral("http://localhost:7878/mcp")}}));
        QVERIFY(readFile(f.project + QStringLiteral("/.claude/skills/ktx-analytics/SKILL.md"))
                    .contains(QByteArray("/opt/ktx/bin/ktx mcp start --project-dir "
                                         + f.project.toUtf8())));

        const QJsonObject manifest = jsonOf(readFile(AgentInstallManifest::filePath(f.project)));
        QCOMPARE(manifest.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(manifest.value(QStringLiteral("projectDir")).toString(), f.project);
        const QJsonArray installs = manifest.value(QStringLiteral("installs")).toArray();
        QCOMPARE(installs.size(), 1);
        QCOMPARE(installs[0].toObject().value(QStringLiteral("target")).toString(),
                 QStringLiteral("claude-code"));
        QCOMPARE(installs[0].toObject().value(QStringLiteral("scope")).toString(),
                 QStringLiteral("project"));
        const QJsonArray entries = manifest.value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries[0].toObject().value(QStringLiteral("kind")).toString(),
                 QStringLiteral("json-key"));
        QCOMPARE(entries[0].toObject().value(QStringLiteral("path")).toString(),
                 QStringLiteral(".mcp.json"));
        QCOMPARE(entries[0].toObject().value(QStringLiteral("jsonPath")).toArray().size(), 2);
        QCOMPARE(entries[1].toObject().value(QStringLiteral("role")).toString(),
                 QStringLiteral("analytics-skill"));

        // Second run: nothing to do, every byte (manifest and installedAt too) the same.
        const QMap<QString, QByteArray> before = snapshot(f.project);
        Result<AgentIntegrationPlan> again
            = AgentIntegration::planInstall(request(f, {QStringLiteral("claude-code")}));
        QVERIFY(again.ok());
        QVERIFY(!again->hasChanges());
        QCOMPARE(count(*again, AgentFileChange::Action::Unchanged), 2);
        QVERIFY(AgentIntegration::apply(*again).ok());
        QCOMPARE(snapshot(f.project), before);
    }

    void malformedConfigWritesNothing()
    {
        const Fixture f = fixture();
        const QByteArray broken = "{\n  \"mcpServers\": {\n    \"x\": }\n}\n";
        writeFile(f.project + QStringLiteral("/.cursor/mcp.json"), broken);
        const QMap<QString, QByteArray> before = snapshot(f.project);
        Result<AgentIntegrationPlan> plan = AgentIntegration::planInstall(
            request(f, {QStringLiteral("claude-code"), QStringLiteral("cursor")}));
        QVERIFY(!plan.ok());
        QVERIFY(plan.error().message.contains(f.project + QStringLiteral("/.cursor/mcp.json")));
        QCOMPARE(plan.error().line, 3);
        QCOMPARE(snapshot(f.project), before);
    }

    void tokenAuthWritesOnlyTheReference()
    {
        const Fixture f = fixture();
        qputenv("KTX_MCP_TOKEN", "s3cret-token-value");
        AgentIntegrationRequest r = request(
            f, {QStringLiteral("claude-code"), QStringLiteral("cursor"), QStringLiteral("codex")});
        r.tokenAuth.reset(); // detect: no daemon state, KTX_MCP_TOKEN is set
        r.writeCodexConfig = true;
        const AgentIntegrationPlan plan = install(r);
        qunsetenv("KTX_MCP_TOKEN");
        QVERIFY(plan.request.tokenAuth.value_or(false));
        QCOMPARE(
            AgentInstallJson::valueAt(jsonOf(readFile(f.project + QStringLiteral("/.mcp.json"))),
                                      {QStringLiteral("mcpServers"), QStringLiteral("ktx"),
                                       QStringLiteral("headers"), QStringLiteral("Authorization")})
                .toString(),
            QStringLiteral("Bearer ${KTX_MCP_TOKEN}"));
        QCOMPARE(AgentInstallJson::valueAt(
                     jsonOf(readFile(f.project + QStringLiteral("/.cursor/mcp.json"))),
                     {QStringLiteral("mcpServers"), QStringLiteral("ktx"),
                      QStringLiteral("headers"), QStringLiteral("Authorization")})
                     .toString(),
                 QStringLiteral("Bearer ${env:KTX_MCP_TOKEN}"));
        QVERIFY(readFile(f.codexHome + QStringLiteral("/config.toml"))
                    .contains("bearer_token_env_var = \"KTX_MCP_TOKEN\"\n"));
        for (const QString &dir : {f.project, f.home}) {
            const QMap<QString, QByteArray> files = snapshot(dir);
            for (auto it = files.cbegin(); it != files.cend(); ++it)
                QVERIFY2(!it->contains("s3cret-token-value"), qPrintable(it.key()));
        }
    }

    void endpointComesFromTheDaemonState()
    {
        const Fixture f = fixture();
        writeFile(f.project + QStringLiteral("/.ktx/mcp.json"),
                  QByteArray("{\"schemaVersion\":1,\"pid\":1,\"host\":\"127.0.0.1\",\"port\":9123,"
                             "\"tokenAuth\":true}"));
        AgentIntegration::Endpoint e = AgentIntegration::endpoint(f.project);
        QCOMPARE(e.url, QStringLiteral("http://127.0.0.1:9123/mcp"));
        QVERIFY(e.tokenAuth);
        QVERIFY(e.fromDaemon);
        writeFile(f.project + QStringLiteral("/.ktx/mcp.json"),
                  QByteArray("{\"url\":\"http://127.0.0.1:7001/mcp\",\"tokenAuth\":false}"));
        e = AgentIntegration::endpoint(f.project);
        QCOMPARE(e.url, QStringLiteral("http://127.0.0.1:7001/mcp"));
        QVERIFY(!e.tokenAuth);
        QFile::remove(f.project + QStringLiteral("/.ktx/mcp.json"));
        e = AgentIntegration::endpoint(f.project);
        QCOMPARE(e.url, QStringLiteral("http://localhost:7878/mcp"));
        QVERIFY(!e.fromDaemon);
    }

    void modeSwitchRemovesTheAdminFiles()
    {
        const Fixture f = fixture();
        install(request(f, {QStringLiteral("codex")}, QStringLiteral("project"),
                        QStringLiteral("mcp-cli")));
        const QString admin = f.project + QStringLiteral("/.agents/skills/ktx/SKILL.md");
        const QString rule = f.project + QStringLiteral("/.codex/instructions/ktx.md");
        QVERIFY(QFile::exists(admin));
        QVERIFY(QFile::exists(rule));
        const AgentIntegrationPlan back = install(request(f, {QStringLiteral("codex")}));
        QCOMPARE(count(back, AgentFileChange::Action::Remove), 2);
        QVERIFY(!QFile::exists(admin));
        QVERIFY(!QFile::exists(rule));
        QVERIFY(!QFileInfo::exists(f.project + QStringLiteral("/.codex"))); // emptied folders go
        QVERIFY(
            QFile::exists(f.project + QStringLiteral("/.agents/skills/ktx-analytics/SKILL.md")));
        QCOMPARE(back.after.installs.size(), 1);
        QCOMPARE(back.after.installs[0].mode, QStringLiteral("mcp"));
    }

    void sharedFilesStayWhileAnOwnerNeedsThem()
    {
        const Fixture f = fixture();
        install(request(f, {QStringLiteral("codex"), QStringLiteral("universal")}));
        const QString skill = f.project + QStringLiteral("/.agents/skills/ktx-analytics/SKILL.md");
        QVERIFY(QFile::exists(skill));
        Result<AgentIntegrationPlan> plan
            = AgentIntegration::planRemove(f.project, {QStringLiteral("codex")});
        QVERIFY(plan.ok());
        QVERIFY(AgentIntegration::apply(*plan).ok());
        QVERIFY(QFile::exists(skill));
        plan = AgentIntegration::planRemove(f.project, {QStringLiteral("universal")});
        QVERIFY(AgentIntegration::apply(*plan).ok());
        QVERIFY(!QFile::exists(skill));
        QVERIFY(!QFile::exists(AgentInstallManifest::filePath(f.project)));
    }

    void removeUndoesOnlyWhatKtxInstalled()
    {
        const Fixture f = fixture();
        writeFile(f.project + QStringLiteral("/.mcp.json"), userMcpJson);
        install(request(f, {QStringLiteral("claude-code"), QStringLiteral("cursor")},
                        QStringLiteral("project"), QStringLiteral("mcp-cli")));
        // The user edits one of ktx's files.
        const QString rule = f.project + QStringLiteral("/.claude/rules/ktx.md");
        writeFile(rule, readFile(rule) + "\nMy own note.\n");
        // A re-install does not overwrite the edit.
        const AgentIntegrationPlan again
            = install(request(f, {QStringLiteral("claude-code"), QStringLiteral("cursor")},
                              QStringLiteral("project"), QStringLiteral("mcp-cli")));
        QCOMPARE(count(again, AgentFileChange::Action::Keep), 1);
        QVERIFY(readFile(rule).endsWith("My own note.\n"));

        Result<AgentIntegrationPlan> plan = AgentIntegration::planRemove(f.project, {});
        QVERIFY(plan.ok());
        QVERIFY(AgentIntegration::apply(*plan).ok());
        QCOMPARE(readFile(f.project + QStringLiteral("/.mcp.json")), userMcpJson);
        QVERIFY(!QFile::exists(f.project + QStringLiteral("/.cursor/mcp.json"))); // ktx created it
        QVERIFY(!QFile::exists(f.project + QStringLiteral("/.cursor")));
        QVERIFY(!QFile::exists(f.project + QStringLiteral("/.claude/skills")));
        QVERIFY(readFile(rule).endsWith("My own note.\n"));
        QVERIFY(!QFile::exists(AgentInstallManifest::filePath(f.project)));
    }

    void globalScopeUsesHomeAndCodexHome()
    {
        const Fixture f = fixture();
        writeFile(f.home + QStringLiteral("/.claude.json"),
                  "{\n  \"numStartups\": 3,\n  \"projects\": {}\n}\n");
        writeFile(f.codexHome + QStringLiteral("/config.toml"), codexConfig);
        AgentIntegrationRequest r = request(
            f, {QStringLiteral("claude-code"), QStringLiteral("codex")}, QStringLiteral("user"));
        r.writeCodexConfig = true;
        const AgentIntegrationPlan plan = install(r);
        QCOMPARE(plan.request.scope, QStringLiteral("global"));
        QCOMPARE(readFile(f.home + QStringLiteral("/.claude.json")),
                 QByteArray("{\n  \"numStartups\": 3,\n  \"projects\": {},\n  \"mcpServers\": {\n"
                            "    \"ktx\": {\n      \"type\": \"http\",\n      \"url\": "
                            "\"http://localhost:7878/mcp\"\n    }\n  }\n}\n"));
        QVERIFY(QFile::exists(f.home + QStringLiteral("/.claude/skills/ktx-analytics/SKILL.md")));
        QVERIFY(QFile::exists(f.codexHome + QStringLiteral("/skills/ktx-analytics/SKILL.md")));
        QVERIFY(readFile(f.codexHome + QStringLiteral("/config.toml")).startsWith(codexConfig));
        QVERIFY(!QFile::exists(f.project + QStringLiteral("/.mcp.json")));
        QStringList keys;
        for (const AgentInstallRecord &i : plan.after.installs)
            keys << i.key();
        QCOMPARE(
            keys,
            (QStringList {QStringLiteral("claude-code:global"), QStringLiteral("codex:global")}));
        // Entries outside the project are recorded by absolute path.
        QVERIFY(plan.after.entries.constFirst().path.startsWith(f.home));

        // Without --write-codex-config a re-run leaves ktx's table alone.
        r.writeCodexConfig = false;
        const AgentIntegrationPlan rerun = install(r);
        QVERIFY(!rerun.hasChanges());
        QVERIFY(
            readFile(f.codexHome + QStringLiteral("/config.toml")).contains("[mcp_servers.ktx]"));

        Result<AgentIntegrationPlan> removal = AgentIntegration::planRemove(f.project, {});
        QVERIFY(AgentIntegration::apply(*removal).ok());
        QCOMPARE(readFile(f.codexHome + QStringLiteral("/config.toml")), codexConfig);
        QCOMPARE(readFile(f.home + QStringLiteral("/.claude.json")),
                 QByteArray("{\n  \"numStartups\": 3,\n  \"projects\": {}\n}\n"));
    }

    void localScopeUsesThePrivateProjectSection()
    {
        const Fixture f = fixture();
        install(request(f, {QStringLiteral("claude-code")}, QStringLiteral("local")));
        const QJsonObject claude = jsonOf(readFile(f.home + QStringLiteral("/.claude.json")));
        QCOMPARE(AgentInstallJson::valueAt(claude,
                                           {QStringLiteral("projects"), f.project,
                                            QStringLiteral("mcpServers"), QStringLiteral("ktx"),
                                            QStringLiteral("url")})
                     .toString(),
                 QStringLiteral("http://localhost:7878/mcp"));
        QVERIFY(
            QFile::exists(f.project + QStringLiteral("/.claude/skills/ktx-analytics/SKILL.md")));
    }

    void unsupportedScopesAreRefused()
    {
        const Fixture f = fixture();
        Result<AgentIntegrationPlan> plan = AgentIntegration::planInstall(
            request(f, {QStringLiteral("cursor")}, QStringLiteral("global")));
        QVERIFY(!plan.ok());
        QVERIFY(plan.error().message.contains(QStringLiteral("global scope")));
        plan = AgentIntegration::planInstall(
            request(f, {QStringLiteral("codex")}, QStringLiteral("local")));
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().message,
                 QStringLiteral("--local is only supported with --target claude-code."));
        plan = AgentIntegration::planInstall(request(f, {QStringLiteral("vscode")}));
        QVERIFY(!plan.ok());
        QVERIFY(plan.error().message.contains(QStringLiteral("invalid choice 'vscode'")));
        QVERIFY(!QFile::exists(AgentInstallManifest::filePath(f.project)));
    }

    void applyRefusesAFileChangedAfterPlanning()
    {
        const Fixture f = fixture();
        writeFile(f.project + QStringLiteral("/.mcp.json"), "{}\n");
        Result<AgentIntegrationPlan> plan
            = AgentIntegration::planInstall(request(f, {QStringLiteral("claude-code")}));
        QVERIFY(plan.ok());
        writeFile(f.project + QStringLiteral("/.mcp.json"), "{\"x\": 1}\n");
        Result<AgentIntegrationPlan> applied = AgentIntegration::apply(*plan);
        QVERIFY(!applied.ok());
        QCOMPARE(applied.error().code, QStringLiteral("agent_config_changed"));
        QCOMPARE(readFile(f.project + QStringLiteral("/.mcp.json")), QByteArray("{\"x\": 1}\n"));
    }

    void snippetsForPrintedConfigs()
    {
        const Fixture f = fixture();
        const AgentIntegrationPlan plan = install(request(
            f, {QStringLiteral("codex"), QStringLiteral("opencode"), QStringLiteral("universal")}));
        QCOMPARE(plan.snippets.size(), 3);
        QCOMPARE(plan.snippets[0].text,
                 QStringLiteral("[mcp_servers.ktx]\nurl = "
                                "\"http://localhost:7878/mcp\""));
        const QJsonObject opencode = jsonOf(plan.snippets[1].text.toUtf8());
        QCOMPARE(
            AgentInstallJson::valueAt(
                opencode, {QStringLiteral("mcp"), QStringLiteral("ktx"), QStringLiteral("type")})
                .toString(),
            QStringLiteral("remote"));
        QCOMPARE(plan.snippets[2].text, QStringLiteral("http://localhost:7878/mcp"));
        QVERIFY(plan.notes.constFirst().startsWith(QStringLiteral("Required before using agents")));
        QVERIFY(QFile::exists(f.project + QStringLiteral("/.opencode/commands/ktx-analytics.md")));
    }
};

QTEST_GUILESS_MAIN(TestAgentIntegration)
#include "tst_agentintegration.moc"
