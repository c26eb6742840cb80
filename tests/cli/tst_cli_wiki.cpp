// `ktx wiki` driven as a user types it, on a project written by the test.
#include <QDir>
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

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

} // namespace

class TestCliWiki : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;
    const QByteArray m_revenue = "---\n"
                                 "summary:   Paid order value after refunds\n"
                                 "# a comment only the file has\n"
                                 "tags: [finance]\n"
                                 "---\n"
                                 "Revenue is paid order amount; see [[refunds]].";

    Run wiki(const QStringList &args, const QMap<QString, QString> &env = {})
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.remove(QStringLiteral("KTX_PROJECT_DIR"));
        e.remove(QStringLiteral("KTX_OUTPUT"));
        e.remove(QStringLiteral("CI"));
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            e.insert(it.key(), it.value());
        p.setProcessEnvironment(e);
        p.setWorkingDirectory(m_project);
        p.start(qEnvironmentVariable("KTX_CLI"), QStringList {QStringLiteral("wiki")} + args);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000))
            p.kill();
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    static QJsonArray items(const Run &r)
    {
        return QJsonDocument::fromJson(r.out)
            .object()
            .value(QStringLiteral("data"))
            .toObject()
            .value(QStringLiteral("items"))
            .toArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_project = m_tmp.path();
        writeFile(m_project + QStringLiteral("/ktx.yaml"), "project: wiki-test\n");
        writeFile(m_project + QStringLiteral("/wiki/global/revenue.md"), m_revenue);
        writeFile(m_project + QStringLiteral("/wiki/global/refunds.md"),
                  "---\nsummary: How refunds are booked\n---\nRefunds reduce revenue.\n");
        writeFile(m_project + QStringLiteral("/wiki/global/onboarding.md"),
                  "---\nsummary: New hire onboarding\n---\nLaptops and accounts.\n");
        writeFile(m_project + QStringLiteral("/wiki/user/ana/revenue.md"),
                  "---\nsummary: Ana's revenue view\n---\nAna counts revenue differently.\n");
    }

    void listsPagesAsJson()
    {
        const Run r = wiki({QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("list"));
        QCOMPARE(
            o.value(QStringLiteral("meta")).toObject().value(QStringLiteral("command")).toString(),
            QStringLiteral("wiki list"));
        const QJsonArray list = items(r);
        QCOMPARE(list.size(), 3);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("key")).toString(),
                 QStringLiteral("onboarding"));
        QCOMPARE(list.at(2).toObject().value(QStringLiteral("summary")).toString(),
                 QStringLiteral("Paid order value after refunds"));

        // Ana's page shadows the global one.
        const QJsonArray ana = items(
            wiki({QStringLiteral("--json"), QStringLiteral("--user-id"), QStringLiteral("ana")}));
        QCOMPARE(ana.size(), 3);
        QCOMPARE(ana.at(2).toObject().value(QStringLiteral("scope")).toString(),
                 QStringLiteral("USER"));
        QCOMPARE(ana.at(2).toObject().value(QStringLiteral("summary")).toString(),
                 QStringLiteral("Ana's revenue view"));
    }

    void searchesAsJsonWithLanes()
    {
        const Run r
            = wiki({QStringLiteral("refunds"), QStringLiteral("revenue"), QStringLiteral("--json"),
                    QStringLiteral("--limit"), QStringLiteral("2")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(
            o.value(QStringLiteral("meta")).toObject().value(QStringLiteral("command")).toString(),
            QStringLiteral("wiki search"));
        const QJsonArray list = items(r);
        QCOMPARE(list.size(), 2);
        QStringList keys;
        for (const QJsonValue &v : list)
            keys << v.toObject().value(QStringLiteral("key")).toString();
        keys.sort();
        QCOMPARE(keys, (QStringList {QStringLiteral("refunds"), QStringLiteral("revenue")}));
        const QJsonObject first = list.first().toObject();
        QVERIFY(first.value(QStringLiteral("score")).toDouble() > 0);
        QVERIFY(first.value(QStringLiteral("matchReasons"))
                    .toArray()
                    .contains(QStringLiteral("lexical")));
        const QJsonArray lanes = first.value(QStringLiteral("lanes")).toArray();
        QCOMPARE(lanes.size(), 3);
        const QJsonObject semantic = lanes.at(2).toObject();
        QCOMPARE(semantic.value(QStringLiteral("lane")).toString(), QStringLiteral("semantic"));
        QCOMPARE(semantic.value(QStringLiteral("status")).toString(), QStringLiteral("skipped"));
        QCOMPARE(semantic.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("embedding_unconfigured"));
        QVERIFY(semantic.contains(QStringLiteral("requestedCandidatePoolLimit")));
        QVERIFY(QFile::exists(m_project + QStringLiteral("/.ktx/db.sqlite")));
    }

    void plainIsTabSeparatedAndPrettyHasRanks()
    {
        Run r = wiki({QStringLiteral("onboarding")}); // not a terminal: plain
        QCOMPARE(r.exitCode, 0);
        QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("KEY\tSCOPE\tSCORE\tSUMMARY"));
        QVERIFY(lines.at(1).startsWith("onboarding\tGLOBAL\t"));
        r = wiki(
            {QStringLiteral("onboarding"), QStringLiteral("--output"), QStringLiteral("pretty")});
        QVERIFY(r.out.startsWith("#1  onboarding"));
        r = wiki({QStringLiteral("onboarding")},
                 {{QStringLiteral("KTX_OUTPUT"), QStringLiteral("json")}});
        QCOMPARE(items(r).size(), 1);
        // --json wins over --output.
        r = wiki({QStringLiteral("onboarding"), QStringLiteral("--output"), QStringLiteral("plain"),
                  QStringLiteral("--json")});
        QCOMPARE(items(r).size(), 1);
        r = wiki({}, {{QStringLiteral("CI"), QStringLiteral("true")}});
        QVERIFY(r.out.startsWith("KEY\tSCOPE\tSUMMARY\n"));
    }

    void badOutputValuesUseTheSpecWording()
    {
        Run r = wiki({QStringLiteral("--output"), QStringLiteral("xml")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains("Invalid --output value: xml. Expected one of pretty, plain, json."),
            r.err.constData());
        r = wiki({}, {{QStringLiteral("KTX_OUTPUT"), QStringLiteral("yaml")}});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains("Invalid KTX_OUTPUT value: yaml. Expected one of pretty, plain, json."),
            r.err.constData());
    }

    void readPrintsTheExactFile()
    {
        Run r = wiki({QStringLiteral("read"), QStringLiteral("revenue")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, m_revenue);
        r = wiki({QStringLiteral("read"), QStringLiteral("revenue"), QStringLiteral("--user-id"),
                  QStringLiteral("ana")});
        QVERIFY(r.out.contains("Ana counts revenue differently."));
    }

    void unknownKeyNamesCloseKeys()
    {
        Run r = wiki({QStringLiteral("read"), QStringLiteral("refund")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("No wiki page 'refund'."), r.err.constData());
        QVERIFY2(r.err.contains("Did you mean: refunds"), r.err.constData());
        r = wiki({QStringLiteral("read"), QStringLiteral("../ktx")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
    }

    void debugPrintsLaneLines()
    {
        const Run r = wiki({QStringLiteral("revenue"), QStringLiteral("--debug")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(
            r.err.contains("[debug] wiki search mode=sqlite-fts5 embedding=unconfigured results="),
            r.err.constData());
        QVERIFY(r.err.contains("[debug] wiki search lane=lexical status=available returned="));
        QVERIFY(r.err.contains("weight=1.5"));
        QVERIFY(r.err.contains(
            "lane=semantic status=skipped returned=0 weight=3 reason=embedding_unconfigured"));
    }

    void noMatchIsNotAnError()
    {
        Run r = wiki({QStringLiteral("zebra")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.contains("No wiki pages matched \"zebra\""));
        r = wiki({QStringLiteral("zebra"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(items(r).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCliWiki)
#include "tst_cli_wiki.moc"
