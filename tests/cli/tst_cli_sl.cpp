// `ktx sl` driven as a user types it, on the demo project (`ktx admin demo`)
// with the hand-written demo sources of tests/runtime/semantic/demo-sources.
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

Run runKtx(const QStringList &args, const QString &workDir)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("KTX_PROJECT_DIR"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    p.start(qEnvironmentVariable("KTX_CLI"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace

class TestCliSl : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_project;

    Run sl(const QStringList &args)
    {
        return runKtx(QStringList {QStringLiteral("sl")} + args, m_project);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_project = m_tmp.filePath(QStringLiteral("demo"));
        const Run made
            = runKtx({QStringLiteral("admin"), QStringLiteral("demo"), m_project}, m_tmp.path());
        QVERIFY2(made.exitCode == 0, made.err.constData());
        const QString target = m_project + QStringLiteral("/semantic-layer/demo_warehouse");
        QVERIFY(QDir().mkpath(target));
        const QDir sources(
            QStringLiteral(KTX_TEST_SOURCE_DIR "/tests/runtime/semantic/demo-sources"));
        for (const QString &f : sources.entryList({QStringLiteral("*.yaml")}, QDir::Files))
            QVERIFY(QFile::copy(sources.filePath(f), target + QLatin1Char('/') + f));
    }

    void listsSources()
    {
        const Run r = sl({QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("kind")).toString(), QStringLiteral("list"));
        const QJsonArray items
            = o.value(QStringLiteral("data")).toObject().value(QStringLiteral("items")).toArray();
        QCOMPARE(items.size(), 14);
        QCOMPARE(items.first().toObject().value(QStringLiteral("connectionId")).toString(),
                 QStringLiteral("demo_warehouse"));
    }

    void searchesSources()
    {
        const Run r = sl({QStringLiteral("payment"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray items = QJsonDocument::fromJson(r.out)
                                     .object()
                                     .value(QStringLiteral("data"))
                                     .toObject()
                                     .value(QStringLiteral("items"))
                                     .toArray();
        QVERIFY(!items.isEmpty());
        QCOMPARE(items.first().toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("payments"));
        const Run none = sl({QStringLiteral("zebra")});
        QCOMPARE(none.exitCode, 1);
        QVERIFY(none.err.contains("No semantic-layer sources matched \"zebra\""));
    }

    void readsYaml()
    {
        const Run r = sl({QStringLiteral("read"), QStringLiteral("payments")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("name: payments\n"));
        const Run missing = sl({QStringLiteral("read"), QStringLiteral("nope")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("No semantic-layer source 'nope'"));
        QCOMPARE(sl({QStringLiteral("read")}).exitCode, 2);
    }

    void runsFanTrapQueryWithoutDoubleCounting()
    {
        const Run r = sl({QStringLiteral("query"), QStringLiteral("--measure"),
                          QStringLiteral("payments.captured_amount"), QStringLiteral("--measure"),
                          QStringLiteral("order_items.units_sold"), QStringLiteral("--dimension"),
                          QStringLiteral("orders.sales_channel"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("headers")).toArray().size(), 3);
        QCOMPARE(o.value(QStringLiteral("rows")).toArray().size(), 3);
        QVERIFY(o.value(QStringLiteral("sql"))
                    .toString()
                    .contains(QStringLiteral("payments_agg AS (")));
        QVERIFY(o.value(QStringLiteral("notes"))
                    .toArray()
                    .first()
                    .toString()
                    .startsWith(QStringLiteral("Chasm trap")));
        // The captured total equals SUM over payments alone (ktx sql as the reference).
        double semantic = 0;
        for (const QJsonValue &row : o.value(QStringLiteral("rows")).toArray())
            semantic += row.toArray().at(1).toDouble();
        const Run direct
            = runKtx({QStringLiteral("sql"), QStringLiteral("demo_warehouse"),
                      QStringLiteral("SELECT SUM(amount) FROM payments WHERE status = 'captured'"),
                      QStringLiteral("--json")},
                     m_project);
        QCOMPARE(direct.exitCode, 0);
        const double expected = QJsonDocument::fromJson(direct.out)
                                    .object()
                                    .value(QStringLiteral("rows"))
                                    .toArray()
                                    .first()
                                    .toArray()
                                    .first()
                                    .toDouble();
        QVERIFY(qAbs(semantic - expected) < 0.01);
    }

    // On the sources ingest writes (support_tickets joins both customers and
    // orders), tickets by customer type must count every ticket: the tickets
    // group joins customers directly instead of through orders, which would
    // drop the tickets that are not about an order.
    void chasmTrapOnIngestedSourcesCountsEveryRow()
    {
        const QString project = m_tmp.filePath(QStringLiteral("ingested"));
        Run r = runKtx({QStringLiteral("admin"), QStringLiteral("demo"), project}, m_tmp.path());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runKtx({QStringLiteral("ingest"), QStringLiteral("--all")}, project);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runKtx({QStringLiteral("sl"), QStringLiteral("query"), QStringLiteral("--measure"),
                    QStringLiteral("orders.row_count"), QStringLiteral("--measure"),
                    QStringLiteral("support_tickets.row_count"), QStringLiteral("--dimension"),
                    QStringLiteral("customers.customer_type"), QStringLiteral("--json")},
                   project);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        double orders = 0;
        double tickets = 0;
        for (const QJsonValue &row : o.value(QStringLiteral("rows")).toArray()) {
            orders += row.toArray().at(1).toDouble();
            tickets += row.toArray().at(2).toDouble();
        }
        const auto count = [&](const char *table) {
            const Run direct = runKtx({QStringLiteral("sql"), QStringLiteral("demo_warehouse"),
                                       QStringLiteral("SELECT COUNT(*) FROM %1 t JOIN customers c "
                                                      "ON c.customer_id = t.customer_id")
                                           .arg(QLatin1String(table)),
                                       QStringLiteral("--json")},
                                      project);
            return QJsonDocument::fromJson(direct.out)
                .object()
                .value(QStringLiteral("rows"))
                .toArray()
                .first()
                .toArray()
                .first()
                .toDouble();
        };
        QCOMPARE(orders, count("orders"));
        QCOMPARE(tickets, count("support_tickets"));
        QVERIFY(tickets > 0);
    }

    void sqlOnlyAndQueryFile()
    {
        const QString file = m_tmp.filePath(QStringLiteral("q.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"measures":["orders.order_count"],"dimensions":[{"field":"orders.ordered_at","granularity":"year"}]})");
        f.close();
        const Run r = sl({QStringLiteral("query"), QStringLiteral("--query-file"), file,
                          QStringLiteral("--sql-only")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("SELECT"));
        QVERIFY(r.out.contains("STRFTIME('%Y-01-01', orders.ordered_at)"));
        QFile bad(m_tmp.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("[1]");
        bad.close();
        const Run b = sl({QStringLiteral("query"), QStringLiteral("--query-file"), bad.fileName()});
        QCOMPARE(b.exitCode, 2);
        QVERIFY(b.err.contains("must contain a JSON object"));
    }

    void refusesUnsafeQueries()
    {
        const Run r = sl({QStringLiteral("query"), QStringLiteral("--measure"),
                          QStringLiteral("payments.captured_amount"), QStringLiteral("--dimension"),
                          QStringLiteral("products.product_name"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("error")).toString(),
                 QStringLiteral("sl_dimension_unreachable"));
        const Run noMeasure = sl({QStringLiteral("query")});
        QCOMPARE(noMeasure.exitCode, 2);
    }

    void queryPolicyAllowsOnlyPredefinedMeasures()
    {
        QFile config(m_project + QStringLiteral("/ktx.yaml"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QByteArray text = config.readAll();
        config.close();
        const QByteArray anchor = "    path: data/demo-warehouse.sqlite\n";
        QVERIFY(text.contains(anchor));
        text.replace(anchor, QByteArray(anchor + "    query_policy: semantic-layer-only\n"));
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(text);
        config.close();
        const Run composed
            = sl({QStringLiteral("query"), QStringLiteral("--measure"),
                  QStringLiteral("sum(payments.amount)"), QStringLiteral("--sql-only")});
        QCOMPARE(composed.exitCode, 1);
        QVERIFY(composed.err.contains("query_policy: semantic-layer-only"));
        const Run predefined
            = sl({QStringLiteral("query"), QStringLiteral("--measure"),
                  QStringLiteral("payments.captured_amount"), QStringLiteral("--sql-only")});
        QCOMPARE(predefined.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCliSl)
#include "tst_cli_sl.moc"
