// SemanticQueryRunner's per-folder cache of loaded sources: unchanged folders
// are not parsed again, and every kind of change to a connection's YAML files
// (added, rewritten with another size, rewritten with the same size, removed,
// a new sub-folder) is seen by the next query.
#include "ktxtools/semanticqueryrunner.h"
#include "project/configloader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

// Written, then dated `secondsAgo`, so the cache trusts file times at once.
void writeFile(const QString &path, const QByteArray &bytes, qint64 secondsAgo)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    QVERIFY(f.commit());
    QFile touch(path);
    QVERIFY(touch.open(QIODevice::ReadWrite));
    QVERIFY(touch.setFileTime(QDateTime::currentDateTime().addSecs(-secondsAgo),
                              QFileDevice::FileModificationTime));
}

QByteArray orders(const QByteArray &measure)
{
    return "name: orders\ntable: main.orders\ngrain: [id]\ncolumns:\n  - name: id\n"
           "    type: number\n  - name: amount\n    type: number\nmeasures:\n  - name: "
        + measure + "\n    expr: count(*)\n";
}

} // namespace

class TestSemanticQueryRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;
    std::optional<SemanticQueryRunner> m_runner;

    Result<SemanticQueryRunner::Outcome> compile(const QString &measure)
    {
        SemanticQueryRunner::Request request;
        request.connectionId = QStringLiteral("wh");
        request.execute = false;
        QueryMeasure m;
        m.text = measure;
        request.query.measures << m;
        return m_runner->run(request);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("project"));
        writeFile(m_project + QStringLiteral("/ktx.yaml"),
                  "connections:\n  wh:\n    driver: sqlite\n    path: data/wh.sqlite\n", 600);
        const Result<LoadedConfig> loaded
            = ConfigLoader::loadFile(m_project + QStringLiteral("/ktx.yaml"));
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().toText()));
        m_runner.emplace(m_project, loaded->config);
    }

    void changesAreSeenAndUnchangedFoldersAreNotReparsed()
    {
        const QString dir = m_project + QStringLiteral("/semantic-layer/wh/");
        writeFile(dir + QStringLiteral("orders.yaml"), orders("order_count"), 600);

        const quint64 before = SemanticQueryRunner::layerLoads();
        QVERIFY(compile(QStringLiteral("orders.order_count")));
        QCOMPARE(SemanticQueryRunner::layerLoads(), before + 1);
        for (int i = 0; i < 5; ++i)
            QVERIFY(compile(QStringLiteral("orders.order_count")));
        QCOMPARE(SemanticQueryRunner::layerLoads(), before + 1); // cached

        // Another size.
        writeFile(dir + QStringLiteral("orders.yaml"), orders("order_count_all"), 500);
        QVERIFY(compile(QStringLiteral("orders.order_count_all")));
        QCOMPARE(compile(QStringLiteral("orders.order_count")).error().code,
                 QStringLiteral("sl_not_a_measure"));
        QCOMPARE(SemanticQueryRunner::layerLoads(), before + 2);

        // The same size, in place: only the time differs.
        {
            QFile f(dir + QStringLiteral("orders.yaml"));
            QVERIFY(f.open(QIODevice::ReadWrite | QIODevice::Truncate));
            f.write(orders("order_tally_all"));
            QVERIFY(f.setFileTime(QDateTime::currentDateTime().addSecs(-400),
                                  QFileDevice::FileModificationTime));
        }
        QVERIFY(compile(QStringLiteral("orders.order_tally_all")));
        QVERIFY(!compile(QStringLiteral("orders.order_count_all")));

        // Added in a new sub-folder, then removed.
        writeFile(dir + QStringLiteral("more/payments.yaml"),
                  "name: payments\ntable: main.payments\ngrain: [id]\ncolumns:\n  - name: id\n"
                  "    type: number\nmeasures:\n  - name: payment_count\n    expr: count(*)\n",
                  300);
        QVERIFY(compile(QStringLiteral("payments.payment_count")));
        QVERIFY(QFile::remove(dir + QStringLiteral("more/payments.yaml")));
        QVERIFY(!compile(QStringLiteral("payments.payment_count")));

        // Every file gone: the usual error, not a stale engine.
        QVERIFY(QFile::remove(dir + QStringLiteral("orders.yaml")));
        QCOMPARE(compile(QStringLiteral("orders.order_tally_all")).error().code,
                 QStringLiteral("sl_no_sources"));
    }

    void aFreshlyWrittenFolderIsNotTrustedByTimesAlone()
    {
        const QString dir = m_project + QStringLiteral("/semantic-layer/wh/");
        writeFile(dir + QStringLiteral("orders.yaml"), orders("order_count"), 0);
        const quint64 before = SemanticQueryRunner::layerLoads();
        QVERIFY(compile(QStringLiteral("orders.order_count")));
        QVERIFY(compile(QStringLiteral("orders.order_count")));
        // Within the racy window every call parses again.
        QCOMPARE(SemanticQueryRunner::layerLoads(), before + 2);
    }
};

QTEST_GUILESS_MAIN(TestSemanticQueryRunner)
#include "tst_semanticqueryrunner.moc"
