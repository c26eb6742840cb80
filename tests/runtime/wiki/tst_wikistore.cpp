// The wiki store's scopes, shadowing, validation and key rules, and the
// reference check ingest gates run.
#include "wiki/wikireferencecheck.h"
#include "wiki/wikistore.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

WikiPage page(const QString &key, const QString &summary, WikiScope scope = WikiScope::Global,
              const QString &userId = {})
{
    WikiPage p;
    p.key = key;
    p.summary = summary;
    p.scope = scope;
    p.userId = userId;
    p.body = QStringLiteral("\nText about %1.\n").arg(key);
    return p;
}

QStringList keys(const QList<WikiPage> &pages)
{
    QStringList out;
    for (const WikiPage &p : pages)
        out << p.scopedKey();
    return out;
}

} // namespace

class TestWikiStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void init()
    {
        m_project = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        QDir().mkpath(m_project);
    }

    void userPagesShadowGlobalOnes()
    {
        const WikiStore store(m_project);
        QVERIFY(store.write(page(QStringLiteral("revenue"), QStringLiteral("Global revenue"))));
        QVERIFY(store.write(page(QStringLiteral("churn"), QStringLiteral("Global churn"))));
        QVERIFY(store.write(page(QStringLiteral("revenue"), QStringLiteral("Ana's revenue"),
                                 WikiScope::User, QStringLiteral("ana"))));
        QVERIFY(store.write(page(QStringLiteral("private"), QStringLiteral("Bob only"),
                                 WikiScope::User, QStringLiteral("bob"))));
        QVERIFY(QFile::exists(m_project + QStringLiteral("/wiki/user/ana/revenue.md")));

        const WikiStore::Listing ana = store.list(QStringLiteral("ana"));
        QCOMPARE(
            keys(ana.pages),
            (QStringList {QStringLiteral("global/churn"), QStringLiteral("user/ana/revenue")}));
        const WikiStore::Listing local = store.list(QStringLiteral("local"));
        QCOMPARE(keys(local.pages),
                 (QStringList {QStringLiteral("global/churn"), QStringLiteral("global/revenue")}));

        QCOMPARE(store.read(QStringLiteral("revenue"), QStringLiteral("ana"))->summary,
                 QStringLiteral("Ana's revenue"));
        QCOMPARE(store.read(QStringLiteral("revenue"), QStringLiteral("local"))->summary,
                 QStringLiteral("Global revenue"));
        Result<WikiStore::Location> scoped
            = WikiStore::parseScopedKey(QStringLiteral("global/revenue"));
        QVERIFY(scoped);
        QCOMPARE(store.read(*scoped)->summary, QStringLiteral("Global revenue"));
        QVERIFY(!store.read(QStringLiteral("private"), QStringLiteral("ana")));
        QCOMPARE(store.listAll().pages.size(), 4);
    }

    void readBytesIsTheExactFile()
    {
        const QByteArray text
            = "---\n# a comment the serializer would drop\nsummary:   Spaced\n---\nBody\n";
        writeFile(m_project + QStringLiteral("/wiki/global/spaced.md"), text);
        const WikiStore store(m_project);
        QCOMPARE(store.readBytes(QStringLiteral("spaced"), QStringLiteral("local")).value(), text);
    }

    void writeRejectsDanglingRefsAndNamesThem()
    {
        const WikiStore store(m_project);
        QVERIFY(store.write(page(QStringLiteral("orders"), QStringLiteral("Orders"))));
        WikiPage p = page(QStringLiteral("revenue"), QStringLiteral("Revenue"));
        p.refs = {QStringLiteral("orders"), QStringLiteral("refunds")};
        p.body = QStringLiteral("See [[fiscal-calendar]] and [[orders]] and [[revenue]].\n");
        Result<QString> written = store.write(p);
        QVERIFY(!written);
        QCOMPARE(written.error().code, QStringLiteral("wiki.dangling_refs"));
        QVERIFY(written.error().message.contains(QStringLiteral("refunds, fiscal-calendar")));
        QVERIFY(!written.error().message.contains(QStringLiteral("orders,")));
        QVERIFY(!QFile::exists(m_project + QStringLiteral("/wiki/global/revenue.md")));

        // A global page cannot point at a user's page; the user's own page can.
        QVERIFY(store.write(page(QStringLiteral("refunds"), QStringLiteral("Mine"), WikiScope::User,
                                 QStringLiteral("ana"))));
        p.body.clear();
        QVERIFY(!store.write(p));
        p.scope = WikiScope::User;
        p.userId = QStringLiteral("ana");
        QVERIFY2(store.write(p), "a user page sees its user's pages and the global ones");
    }

    void writeRejectsMissingSummaryAndBadKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("userId");
        QTest::addColumn<QString>("summary");
        QTest::addColumn<QString>("code");
        QTest::newRow("no summary") << "ok"
                                    << ""
                                    << "  "
                                    << "wiki.summary_missing";
        QTest::newRow("dot dot") << ".."
                                 << ""
                                 << "s"
                                 << "wiki.bad_key";
        QTest::newRow("traversal") << "../../etc/passwd"
                                   << ""
                                   << "s"
                                   << "wiki.bad_key";
        QTest::newRow("slash") << "a/b"
                               << ""
                               << "s"
                               << "wiki.bad_key";
        QTest::newRow("backslash") << "a\\b"
                                   << ""
                                   << "s"
                                   << "wiki.bad_key";
        QTest::newRow("hidden") << ".hidden"
                                << ""
                                << "s"
                                << "wiki.bad_key";
        QTest::newRow("empty") << ""
                               << ""
                               << "s"
                               << "wiki.bad_key";
        QTest::newRow("bad user") << "ok"
                                  << "../x"
                                  << "s"
                                  << "wiki.bad_user";
    }
    void writeRejectsMissingSummaryAndBadKeys()
    {
        QFETCH(QString, key);
        QFETCH(QString, userId);
        QFETCH(QString, summary);
        QFETCH(QString, code);
        const WikiStore store(m_project);
        WikiPage p
            = page(key, summary, userId.isEmpty() ? WikiScope::Global : WikiScope::User, userId);
        Result<QString> written = store.write(p);
        QVERIFY(!written);
        QCOMPARE(written.error().code, code);
        QVERIFY(
            !QDir(m_project + QStringLiteral("/wiki")).exists()
            || QDir(m_project + QStringLiteral("/wiki/global")).entryList(QDir::Files).isEmpty());
    }

    void scopedKeysRejectPathTricks()
    {
        QVERIFY(WikiStore::parseScopedKey(QStringLiteral("user/ana/revenue")));
        QVERIFY(!WikiStore::parseScopedKey(QStringLiteral("global/../secrets")));
        QVERIFY(!WikiStore::parseScopedKey(QStringLiteral("user/../x")));
        QVERIFY(!WikiStore::parseScopedKey(QStringLiteral("revenue")));
        QVERIFY(!WikiStore::parseScopedKey(QStringLiteral("global/a/b")));
        const WikiStore store(m_project);
        QVERIFY(!store.read(QStringLiteral("../ktx"), QStringLiteral("local")));
        QVERIFY(!store.readBytes(QStringLiteral("../ktx"), QStringLiteral("local")));
    }

    void unknownKeyNamesCloseOnes()
    {
        const WikiStore store(m_project);
        QVERIFY(store.write(page(QStringLiteral("revenue-definitions"), QStringLiteral("R"))));
        QVERIFY(store.write(page(QStringLiteral("refund-policy"), QStringLiteral("F"))));
        QVERIFY(store.write(page(QStringLiteral("churn"), QStringLiteral("C"))));
        Result<WikiPage> missing
            = store.read(QStringLiteral("revenue-definition"), QStringLiteral("local"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, QStringLiteral("wiki.page_not_found"));
        QVERIFY(missing.error().message.contains(QStringLiteral("revenue-definition")));
        QVERIFY2(missing.error().hint.contains(QStringLiteral("revenue-definitions")),
                 qPrintable(missing.error().hint));
        QVERIFY(!missing.error().hint.contains(QStringLiteral("churn")));
    }

    void removeDeletesOnlyThatPage()
    {
        const WikiStore store(m_project);
        QVERIFY(store.write(page(QStringLiteral("a"), QStringLiteral("A"))));
        QVERIFY(store.write(page(QStringLiteral("a"), QStringLiteral("A mine"), WikiScope::User,
                                 QStringLiteral("ana"))));
        QVERIFY(store.remove({WikiScope::User, QStringLiteral("ana"), QStringLiteral("a")}));
        QCOMPARE(store.read(QStringLiteral("a"), QStringLiteral("ana"))->summary,
                 QStringLiteral("A"));
        QVERIFY(!store.remove({WikiScope::User, QStringLiteral("ana"), QStringLiteral("a")}));
    }

    void listReportsBrokenPagesWithoutFailing()
    {
        const WikiStore store(m_project);
        QVERIFY(store.write(page(QStringLiteral("good"), QStringLiteral("Good"))));
        writeFile(m_project + QStringLiteral("/wiki/global/broken.md"), "---\ntags: [x]\n---\n");
        const WikiStore::Listing listing = store.list(QStringLiteral("local"));
        QCOMPARE(listing.pages.size(), 1);
        QCOMPARE(listing.issues.size(), 1);
        QCOMPARE(listing.issues.first().file, QStringLiteral("wiki/global/broken.md"));
    }

    void referenceCheckOnAnOverlay()
    {
        // In memory only: no file is written.
        QList<WikiPage> pages;
        WikiPage a = page(QStringLiteral("a"), QStringLiteral("A"));
        a.refs = {QStringLiteral("b"), QStringLiteral("gone")};
        a.slRefs = {QStringLiteral("warehouse.orders"), QStringLiteral("warehouse.deleted"),
                    QStringLiteral("customers")};
        WikiPage b = page(QStringLiteral("b"), QStringLiteral("B"));
        b.body = QStringLiteral("Links to [[mine]].\n");
        WikiPage mine = page(QStringLiteral("mine"), QStringLiteral("M"), WikiScope::User,
                             QStringLiteral("ana"));
        mine.body = QStringLiteral("Links to [[a]].\n");
        pages << a << b << mine;
        const auto exists = [](const QString &connection, const QString &name) {
            if (connection.isEmpty())
                return name == QLatin1String("orders") || name == QLatin1String("customers");
            return connection == QLatin1String("warehouse") && name == QLatin1String("orders");
        };
        const QList<WikiReferenceFinding> findings = WikiReferenceCheck::check(pages, exists);
        QStringList got;
        for (const WikiReferenceFinding &f : findings)
            got << f.page + QStringLiteral(" -> ") + f.target;
        QCOMPARE(got,
                 (QStringList {QStringLiteral("global/a -> gone"),
                               QStringLiteral("global/a -> warehouse.deleted"),
                               QStringLiteral("global/b -> mine")}));
        QCOMPARE(findings.at(1).kind, WikiReferenceFinding::Kind::SemanticRef);
    }

    void referenceCheckAgainstTheSemanticLayer()
    {
        writeFile(m_project + QStringLiteral("/semantic-layer/warehouse/orders.yaml"),
                  "name: orders\ntable: main.orders\ngrain: [id]\ncolumns:\n  - name: id\n    "
                  "type: number\n");
        const auto exists = WikiReferenceCheck::sourcesIn(m_project);
        QVERIFY(exists(QStringLiteral("warehouse"), QStringLiteral("orders")));
        QVERIFY(exists(QString(), QStringLiteral("orders")));
        QVERIFY(!exists(QStringLiteral("other"), QStringLiteral("orders")));
        QVERIFY(!exists(QString(), QStringLiteral("customers")));
    }
};

QTEST_GUILESS_MAIN(TestWikiStore)
#include "tst_wikistore.moc"
