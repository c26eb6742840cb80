// `ktx setup --agents` as a user runs it, checked with the real clients: the
// `codex` and `claude` CLIs from tests/node read what ktx wrote, and Claude
// Code connects to a real ktx MCP server with the token from the environment.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

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

QMap<QString, QByteArray> snapshot(const QString &dir)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains(QLatin1String("/.git/")))
            files.insert(QDir(dir).relativeFilePath(path), readFile(path));
    }
    return files;
}

QString nodeBin(const char *name)
{
    return QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/node/node_modules/.bin/")
        + QLatin1String(name);
}

const QByteArray codexConfig = "# Codex — hand-edited; keep comments.\n"
                               "model = \"o3\"  # default model\n"
                               "\n"
                               "[mcp_servers.github]\n"
                               "command = \"npx\"\n"
                               "\n"
                               "# profiles follow\n"
                               "[profiles.fast]\n"
                               "model = \"o4-mini\"\n";

} // namespace

class TestCliAgents : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;
    QString m_home;
    QString m_codexHome;

    Run run(const QString &program, const QStringList &args, const QString &workDir,
            const QStringList &extraEnv = {}, int timeoutMs = 60000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("KTX_PROJECT_DIR"));
        env.remove(QStringLiteral("KTX_MCP_TOKEN"));
        env.insert(QStringLiteral("HOME"), m_home);
        env.insert(QStringLiteral("CODEX_HOME"), m_codexHome);
        // No update checks or telemetry from the agent CLIs in tests.
        env.insert(QStringLiteral("DISABLE_AUTOUPDATER"), QStringLiteral("1"));
        env.insert(QStringLiteral("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"), QStringLiteral("1"));
        for (const QString &pair : extraEnv)
            env.insert(pair.section(QLatin1Char('='), 0, 0), pair.section(QLatin1Char('='), 1));
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(workDir);
        p.start(program, args);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        p.waitForFinished();
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    Run ktx(const QStringList &args, const QStringList &extraEnv = {})
    {
        return run(qEnvironmentVariable("KTX_CLI"), args, m_project, extraEnv);
    }

    QString agentsLine()
    {
        const Run status = ktx({QStringLiteral("status"), QStringLiteral("--json"),
                                QStringLiteral("--project-dir"), m_project});
        const QJsonObject o = QJsonDocument::fromJson(status.out).object();
        for (const QJsonValue &line : o.value(QStringLiteral("lines")).toArray()) {
            if (line[QStringLiteral("id")].toString() == QLatin1String("agents"))
                return line[QStringLiteral("value")].toString();
        }
        return QStringLiteral("<no agents line in: %1>").arg(QString::fromUtf8(status.out));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_project = m_tmp.filePath(QStringLiteral("project"));
        m_home = m_tmp.filePath(QStringLiteral("home"));
        m_codexHome = m_tmp.filePath(QStringLiteral("codex-home"));
        QVERIFY(QDir().mkpath(m_project));
        QVERIFY(QDir().mkpath(m_home));
        QVERIFY(QDir().mkpath(m_codexHome));
        const Run made = ktx({QStringLiteral("setup"), QStringLiteral("--no-input"),
                              QStringLiteral("--project-dir"), m_project});
        QVERIFY2(made.exitCode == 0, made.err.constData());
    }

    void installsAndStatusReflectsIt()
    {
        QCOMPARE(agentsLine(), QStringLiteral("no"));
        const Run r
            = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
                   QStringLiteral("claude-code,codex"), QStringLiteral("--no-input"),
                   QStringLiteral("--project-dir"), m_project});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("create   .mcp.json"));
        QVERIFY(r.out.contains("create   .agents/skills/ktx-analytics/SKILL.md"));
        QVERIFY(
            r.out.contains("Agent integration ready: yes (claude-code:project, codex:project)"));
        QVERIFY(r.out.contains("[mcp_servers.ktx]"));
        QVERIFY(r.out.contains("Required before using agents"));
        QVERIFY(r.out.contains(QByteArray("mcp start --project-dir " + m_project.toUtf8())));
        // Rules point at the CLI that wrote them.
        QVERIFY(readFile(m_project + QStringLiteral("/.claude/skills/ktx-analytics/SKILL.md"))
                    .contains(qEnvironmentVariable("KTX_CLI").toUtf8()));
        QCOMPARE(agentsLine(), QStringLiteral("yes (claude-code:project, codex:project)"));

        // Again: nothing changes on disk, not even the manifest's installedAt.
        const QMap<QString, QByteArray> before = snapshot(m_project);
        const Run again
            = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
                   QStringLiteral("codex"), QStringLiteral("--target"),
                   QStringLiteral("claude-code"), QStringLiteral("--project-dir"), m_project});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QVERIFY(!again.out.contains("✓"));
        QCOMPARE(snapshot(m_project), before);
    }

    void jsonOutput()
    {
        const Run r = ktx({QStringLiteral("setup"), QStringLiteral("--agents"),
                           QStringLiteral("--target"), QStringLiteral("cursor"),
                           QStringLiteral("--json"), QStringLiteral("--project-dir"), m_project});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value(QStringLiteral("ok")).toBool());
        QCOMPARE(o.value(QStringLiteral("url")).toString(),
                 QStringLiteral("http://localhost:7878/mcp"));
        QStringList actions;
        for (const QJsonValue &f : o.value(QStringLiteral("files")).toArray())
            actions << f[QStringLiteral("action")].toString() + QLatin1Char(' ')
                    + QDir(m_project).relativeFilePath(f[QStringLiteral("path")].toString());
        QCOMPARE(actions,
                 (QStringList {QStringLiteral("create .cursor/mcp.json"),
                               QStringLiteral("create .cursor/rules/ktx-analytics.mdc")}));
        QCOMPARE(o.value(QStringLiteral("installs")).toArray().size(), 3);
    }

    void malformedConfigIsNotOverwritten()
    {
        const QString other = m_tmp.filePath(QStringLiteral("other-repo"));
        const QString cursor = other + QStringLiteral("/.cursor/mcp.json");
        const QByteArray broken
            = "{\n  \"mcpServers\": { \"ktx\": {\"url\": \"x\"} \n  \"y\": 1\n}\n";
        QVERIFY(writeFile(cursor, broken));
        const QMap<QString, QByteArray> before = snapshot(m_project);
        const Run r = ktx(
            {QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
             QStringLiteral("cursor"), QStringLiteral("--agent-mode"), QStringLiteral("mcp-cli"),
             QStringLiteral("--install-dir"), other, QStringLiteral("--project-dir"), m_project});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QByteArray(cursor.toUtf8() + " is not valid JSON (line 3")),
                 r.err.constData());
        QCOMPARE(snapshot(m_project), before);
        QCOMPARE(snapshot(other).keys(), QStringList {QStringLiteral(".cursor/mcp.json")});
        QCOMPARE(readFile(cursor), broken);
    }

    void refusesUnsupportedCombinations()
    {
        Run r = ktx({QStringLiteral("setup"), QStringLiteral("--agents"),
                     QStringLiteral("--target"), QStringLiteral("cursor"),
                     QStringLiteral("--global"), QStringLiteral("--project-dir"), m_project});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("global scope is supported with claude-code and codex only"));
        r = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
                 QStringLiteral("codex"), QStringLiteral("--local"),
                 QStringLiteral("--project-dir"), m_project});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--local is only supported with --target claude-code."));
        r = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--no-input"),
                 QStringLiteral("--project-dir"), m_project});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("Run in a TTY, or pass --target <target>."));
        r = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
                 QStringLiteral("codex"), QStringLiteral("--project-dir"),
                 m_tmp.filePath(QStringLiteral("nowhere"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("No ktx project found"));
    }

    // The real Codex CLI reads the table ktx put into its config.toml.
    void codexSeesTheServer()
    {
        // ktx's own edit is checked whether or not the codex CLI is installed;
        // removeUndoesTheInstalls relies on it.
        QVERIFY(writeFile(m_codexHome + QStringLiteral("/config.toml"), codexConfig));
        const Run r
            = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
                   QStringLiteral("codex"), QStringLiteral("--write-codex-config"),
                   QStringLiteral("--project-dir"), m_project});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray config = readFile(m_codexHome + QStringLiteral("/config.toml"));
        QVERIFY(config.startsWith(codexConfig)); // everything before stays byte for byte
        QVERIFY(!r.out.contains("Add to")); // written, so no snippet

        if (!QFile::exists(nodeBin("codex")))
            QSKIP("tests/node/node_modules has no codex CLI");
        const Run list = run(
            nodeBin("codex"),
            {QStringLiteral("mcp"), QStringLiteral("list"), QStringLiteral("--json")}, m_project);
        QVERIFY2(list.exitCode == 0, list.err.constData());
        QStringList names;
        QString url;
        for (const QJsonValue &server : QJsonDocument::fromJson(list.out).array()) {
            names << server[QStringLiteral("name")].toString();
            if (server[QStringLiteral("name")].toString() == QLatin1String("ktx"))
                url = server[QStringLiteral("transport")][QStringLiteral("url")].toString();
        }
        QVERIFY2(names.contains(QStringLiteral("github")), list.out.constData());
        QVERIFY2(names.contains(QStringLiteral("ktx")), list.out.constData());
        QCOMPARE(url, QStringLiteral("http://localhost:7878/mcp"));
    }

    // Claude Code reads .mcp.json, expands ${KTX_MCP_TOKEN} and connects to a
    // real ktx MCP server that requires that token.
    void claudeCodeConnectsWithTheTokenFromTheEnvironment()
    {
        if (!QFile::exists(nodeBin("claude")))
            QSKIP("tests/node/node_modules has no claude CLI");
        QProcess server;
        server.start(QStringLiteral(KTX_TEST_MCP_SERVER),
                     {QStringLiteral("--http"), QStringLiteral("--port"), QStringLiteral("0"),
                      QStringLiteral("--token"), QStringLiteral("t0ken-for-test")});
        QVERIFY(server.waitForReadyRead(20000));
        const QString url = QString::fromUtf8(server.readLine()).trimmed();
        QVERIFY2(url.startsWith(QLatin1String("http://127.0.0.1:")), qPrintable(url));
        const auto stop = qScopeGuard([&server] {
            server.kill();
            server.waitForFinished();
        });
        // What the running daemon records (never the token).
        QVERIFY(writeFile(m_project + QStringLiteral("/.ktx/mcp.json"),
                          QJsonDocument(QJsonObject {{QStringLiteral("url"), url},
                                                     {QStringLiteral("tokenAuth"), true}})
                              .toJson()));
        const Run r
            = ktx({QStringLiteral("setup"), QStringLiteral("--agents"), QStringLiteral("--target"),
                   QStringLiteral("claude-code"), QStringLiteral("--project-dir"), m_project});
        QFile::remove(m_project + QStringLiteral("/.ktx/mcp.json"));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("update   .mcp.json"));
        QVERIFY(r.out.contains("KTX_MCP_TOKEN"));
        QVERIFY(!snapshot(m_project).values().join().contains("t0ken-for-test"));

        // Claude Code 2.1 lists a project's .mcp.json server as pending until approved.
        const Run pending
            = run(nodeBin("claude"),
                  {QStringLiteral("mcp"), QStringLiteral("get"), QStringLiteral("ktx")}, m_project);
        QVERIFY2(pending.out.contains("Project config"), pending.out.constData());
        QVERIFY(pending.out.contains(url.toUtf8()));
        QVERIFY(pending.out.contains("Authorization: Bearer ${KTX_MCP_TOKEN}"));
        QVERIFY(pending.out.contains("Pending approval"));

        // Approve it the way the trust dialog and the approval prompt record it.
        const QString claudeJson = m_home + QStringLiteral("/.claude.json");
        QJsonObject state = QJsonDocument::fromJson(readFile(claudeJson)).object();
        QJsonObject projects = state.value(QStringLiteral("projects")).toObject();
        QJsonObject project = projects.value(m_project).toObject();
        project.insert(QStringLiteral("hasTrustDialogAccepted"), true);
        projects.insert(m_project, project);
        state.insert(QStringLiteral("projects"), projects);
        QVERIFY(writeFile(claudeJson, QJsonDocument(state).toJson()));
        QVERIFY(writeFile(m_project + QStringLiteral("/.claude/settings.local.json"),
                          "{\"enabledMcpjsonServers\": [\"ktx\"]}\n"));

        const Run connected
            = run(nodeBin("claude"), {QStringLiteral("mcp"), QStringLiteral("list")}, m_project,
                  {QStringLiteral("KTX_MCP_TOKEN=t0ken-for-test")});
        QVERIFY2(
            connected.out.contains(QByteArray("ktx: " + url.toUtf8() + " (HTTP) - ✔ Connected")),
            connected.out.constData());
        // Without the token in the environment our server turns it away.
        const Run refused = run(nodeBin("claude"), {QStringLiteral("mcp"), QStringLiteral("list")},
                                m_project, {QStringLiteral("KTX_MCP_TOKEN=wrong")});
        QVERIFY2(refused.out.contains(QByteArray("ktx: " + url.toUtf8() + " (HTTP) - ")),
                 refused.out.constData());
        QVERIFY2(!refused.out.contains("Connected"), refused.out.constData());
        QFile::remove(m_project + QStringLiteral("/.claude/settings.local.json"));
    }

    void removeUndoesTheInstalls()
    {
        const Run r = ktx({QStringLiteral("setup"), QStringLiteral("--agents"),
                           QStringLiteral("--remove"), QStringLiteral("--project-dir"), m_project});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("remove   .mcp.json"));
        QCOMPARE(agentsLine(), QStringLiteral("no"));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.mcp.json")));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.agents")));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.ktx/agents/install-manifest.json")));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/.cursor")));
        QCOMPARE(readFile(m_codexHome + QStringLiteral("/config.toml")), codexConfig);
    }
};

QTEST_GUILESS_MAIN(TestCliAgents)
#include "tst_cli_agents.moc"
