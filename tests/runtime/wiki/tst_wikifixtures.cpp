// The original ktx's wiki pages (fixtures) parse, and round-trip their values.
#include "wiki/wikipage.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace ktx;

class TestWikiFixtures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixturePagesParseAndRoundTrip()
    {
        const QString root = qEnvironmentVariable("KTX_FIXTURES");
        QVERIFY(!root.isEmpty());
        int count = 0;
        QDirIterator it(root, {QStringLiteral("*.md")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (!path.contains(QLatin1String("/wiki/")))
                continue;
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            Result<WikiPage> page = WikiPage::parse(f.readAll(), path);
            QVERIFY2(page, qPrintable(page ? QString() : page.error().toText()));
            QVERIFY(!page->summary.isEmpty());
            Result<WikiPage> again = WikiPage::parse(page->serialize(), path);
            QVERIFY2(again, qPrintable(path));
            QCOMPARE(again->summary, page->summary);
            QCOMPARE(again->tags, page->tags);
            QCOMPARE(again->refs, page->refs);
            QCOMPARE(again->slRefs, page->slRefs);
            QCOMPARE(again->usageMode, page->usageMode);
            QCOMPARE(again->extra, page->extra);
            QCOMPARE(again->body, page->body);
            ++count;
        }
        // examples/local-warehouse (1) and the orbit demo (28).
        QVERIFY2(count >= 29, qPrintable(QString::number(count)));
    }
};

QTEST_GUILESS_MAIN(TestWikiFixtures)
#include "tst_wikifixtures.moc"
