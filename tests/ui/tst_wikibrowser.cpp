// The wiki browser on the demo project's pages: list, rendered Markdown, search
// through the project's index, and the front-matter form saving through
// WikiStore (atomic, validated: no summary or a dangling ref is refused).
#include "demo/demoproject.h"
#include "models/wikipagelistmodel.h"
#include "ui/codeeditor.h"
#include "ui/colorscheme.h"
#include "ui/wikibrowser.h"
#include "wiki/wikipage.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 60000;

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestWikiBrowser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void listsAndRendersPages();
    void searchFindsPages();
    void wikiLinksOpenTheirPage();
    void savesTheFormAtomically();
    void refusesAPageWithoutSummary();
    void refusesDanglingRefs();
    void createsANewPage();
    void screenshots();

private:
    QString pagePath(const QString &key) const;
    QTemporaryDir m_root;
    QString m_project;
    WikiBrowser *m_browser = nullptr;
};

void TestWikiBrowser::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_root.isValid());
    m_project = m_root.filePath(QStringLiteral("demo"));
    const Result<void> created = DemoProject::create(m_project);
    QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().toText()));
}

void TestWikiBrowser::init()
{
    m_browser = new WikiBrowser;
    m_browser->resize(1200, 760);
    m_browser->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_browser));
    QSignalSpy shown(m_browser, &WikiBrowser::pagesShown);
    m_browser->setProject(m_project);
    QVERIFY(shown.wait(JobTimeoutMs));
}

void TestWikiBrowser::cleanup()
{
    delete m_browser;
    m_browser = nullptr;
}

QString TestWikiBrowser::pagePath(const QString &key) const
{
    return QDir(m_project).filePath(QStringLiteral("wiki/global/%1.md").arg(key));
}

void TestWikiBrowser::listsAndRendersPages()
{
    QAbstractItemModelTester tester(m_browser->pageModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    WikiPageListModel *model = m_browser->pageModel();
    QVERIFY(model->rowOf(QStringLiteral("global/refund-policy")) >= 0);
    QVERIFY(model->rowCount() >= 4);
    QSignalSpy pageShown(m_browser, &WikiBrowser::pageShown);
    QVERIFY(m_browser->openPage(QStringLiteral("refund-policy")));
    QCOMPARE(pageShown.count(), 1);
    const QString rendered = m_browser->readView()->toPlainText();
    // Markdown is rendered: the heading's text is there, its `#` is not.
    QVERIFY(rendered.contains(QStringLiteral("Refund policy")));
    QVERIFY(!rendered.contains(QStringLiteral("# Refund policy")));
    const Result<WikiPage> onDisk
        = WikiPage::parse(readFile(pagePath(QStringLiteral("refund-policy"))));
    QVERIFY(onDisk.ok());
    QCOMPARE(m_browser->summaryEdit()->text(), onDisk->summary);
    QCOMPARE(m_browser->tagsEdit()->text(), onDisk->tags.join(QStringLiteral(", ")));
    QCOMPARE(m_browser->slRefsEdit()->text(), onDisk->slRefs.join(QStringLiteral(", ")));
    QCOMPARE(m_browser->usageModeCombo()->currentData().toString(), onDisk->usageMode);
    QCOMPARE(m_browser->bodyEditor()->toPlainText(), onDisk->body);
    QVERIFY(!m_browser->isDirty());
}

void TestWikiBrowser::wikiLinksOpenTheirPage()
{
    QVERIFY(m_browser->openPage(QStringLiteral("customer-segments")));
    const QString html = m_browser->readView()->document()->toHtml();
    QVERIFY2(html.contains(QLatin1String("href=\"ktx-wiki:subscription-metrics\"")),
             qPrintable(html.left(400)));
    QVERIFY(!m_browser->readView()->toPlainText().contains(QLatin1String("[[")));

    // Following a link opens the page, even when a search hides it from the list.
    QSignalSpy shown(m_browser, &WikiBrowser::pagesShown);
    m_browser->searchEdit()->setText(QStringLiteral("chasm"));
    m_browser->search();
    QVERIFY(shown.wait(JobTimeoutMs));
    QVERIFY(m_browser->pageModel()->rowOf(QStringLiteral("global/subscription-metrics")) < 0);
    QSignalSpy pageShown(m_browser, &WikiBrowser::pageShown);
    Q_EMIT m_browser->readView()->anchorClicked(
        QUrl(QStringLiteral("ktx-wiki:subscription-metrics")));
    QVERIFY(pageShown.wait(JobTimeoutMs));
    QCOMPARE(m_browser->currentKey(), QStringLiteral("subscription-metrics"));
    QVERIFY(m_browser->searchEdit()->text().isEmpty());
}

void TestWikiBrowser::searchFindsPages()
{
    QSignalSpy shown(m_browser, &WikiBrowser::pagesShown);
    m_browser->searchEdit()->setText(QStringLiteral("refund"));
    QVERIFY(shown.wait(JobTimeoutMs));
    WikiPageListModel *model = m_browser->pageModel();
    QVERIFY(model->rowCount() >= 1);
    QCOMPARE(model->index(0).data(WikiPageListModel::KeyRole).toString(),
             QStringLiteral("refund-policy"));
    // The index lives where ktx keeps it.
    QVERIFY(QFile::exists(QDir(m_project).filePath(QStringLiteral(".ktx/db.sqlite"))));
    m_browser->searchEdit()->setText(QStringLiteral("zzzqqqxyzw"));
    QVERIFY(shown.wait(JobTimeoutMs));
    QCOMPARE(model->rowCount(), 0);
    m_browser->searchEdit()->clear();
    QVERIFY(shown.wait(JobTimeoutMs));
    QVERIFY(model->rowCount() >= 4);
}

void TestWikiBrowser::savesTheFormAtomically()
{
    QVERIFY(m_browser->openPage(QStringLiteral("subscription-metrics")));
    const Result<WikiPage> before
        = WikiPage::parse(readFile(pagePath(QStringLiteral("subscription-metrics"))));
    QVERIFY(before.ok());
    m_browser->showEditor();
    m_browser->summaryEdit()->setFocus();
    m_browser->summaryEdit()->selectAll();
    QTest::keyClicks(m_browser->summaryEdit(), QStringLiteral("How MRR and churn are counted."));
    QVERIFY(m_browser->isDirty());
    m_browser->bodyEditor()->appendPlainText(QStringLiteral("\nEdited in the desktop.\n"));
    QSignalSpy saved(m_browser, &WikiBrowser::pageSaved);
    QTest::keyClick(m_browser->bodyEditor(), Qt::Key_S, Qt::ControlModifier);
    QVERIFY(saved.wait(JobTimeoutMs));
    const Result<WikiPage> after
        = WikiPage::parse(readFile(pagePath(QStringLiteral("subscription-metrics"))));
    QVERIFY(after.ok());
    QCOMPARE(after->summary, QStringLiteral("How MRR and churn are counted."));
    QVERIFY(after->body.contains(QStringLiteral("Edited in the desktop.")));
    // What the form does not show is kept.
    QCOMPARE(after->tags, before->tags);
    QCOMPARE(after->refs, before->refs);
    QCOMPARE(after->slRefs, before->slRefs);
    QVERIFY(!m_browser->isDirty());
    QVERIFY(
        m_browser->readView()->toPlainText().contains(QStringLiteral("Edited in the desktop.")));
    const QStringList files = QDir(QFileInfo(pagePath(QStringLiteral("x"))).absolutePath())
                                  .entryList(QDir::Files | QDir::Hidden);
    for (const QString &f : files)
        QVERIFY2(f.endsWith(QLatin1String(".md")) || f == QLatin1String(".gitkeep"), qPrintable(f));
}

void TestWikiBrowser::refusesAPageWithoutSummary()
{
    QVERIFY(m_browser->openPage(QStringLiteral("revenue-recognition")));
    const QByteArray before = readFile(pagePath(QStringLiteral("revenue-recognition")));
    m_browser->summaryEdit()->clear();
    QSignalSpy failed(m_browser, &WikiBrowser::saveFailed);
    m_browser->save();
    QVERIFY(failed.wait(JobTimeoutMs));
    QVERIFY2(m_browser->errorText().contains(QStringLiteral("no summary")),
             qPrintable(m_browser->errorText()));
    auto *banner = m_browser->findChild<QLabel *>(QStringLiteral("wikiError"));
    QVERIFY(banner && banner->isVisible());
    QCOMPARE(readFile(pagePath(QStringLiteral("revenue-recognition"))), before);
}

void TestWikiBrowser::refusesDanglingRefs()
{
    QVERIFY(m_browser->openPage(QStringLiteral("customer-segments")));
    const QByteArray before = readFile(pagePath(QStringLiteral("customer-segments")));
    m_browser->refsEdit()->setText(QStringLiteral("refund-policy, no-such-page"));
    QSignalSpy failed(m_browser, &WikiBrowser::saveFailed);
    m_browser->save();
    QVERIFY(failed.wait(JobTimeoutMs));
    QVERIFY2(m_browser->errorText().contains(QStringLiteral("no-such-page")),
             qPrintable(m_browser->errorText()));
    QCOMPARE(readFile(pagePath(QStringLiteral("customer-segments"))), before);
}

void TestWikiBrowser::createsANewPage()
{
    m_browser->newPage(QStringLiteral("shipping-sla"));
    m_browser->summaryEdit()->setText(QStringLiteral("Shipping promises by region."));
    m_browser->slRefsEdit()->setText(QStringLiteral("shipments, regions"));
    m_browser->usageModeCombo()->setCurrentIndex(
        m_browser->usageModeCombo()->findData(QStringLiteral("auto")));
    QSignalSpy saved(m_browser, &WikiBrowser::pageSaved);
    m_browser->save();
    QVERIFY(saved.wait(JobTimeoutMs));
    const Result<WikiPage> page
        = WikiPage::parse(readFile(pagePath(QStringLiteral("shipping-sla"))));
    QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error().toText()));
    QCOMPARE(page->summary, QStringLiteral("Shipping promises by region."));
    QCOMPARE(page->slRefs, (QStringList {QStringLiteral("shipments"), QStringLiteral("regions")}));
    QCOMPARE(page->usageMode, QStringLiteral("auto"));
    QVERIFY(m_browser->pageModel()->rowOf(QStringLiteral("global/shipping-sla")) >= 0);
    QFile::remove(pagePath(QStringLiteral("shipping-sla")));
}

void TestWikiBrowser::screenshots()
{
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        WikiBrowser browser;
        browser.resize(1280, 800);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        QSignalSpy shown(&browser, &WikiBrowser::pagesShown);
        browser.setProject(m_project);
        QVERIFY(shown.wait(JobTimeoutMs));
        browser.searchEdit()->setText(QStringLiteral("chasm"));
        QVERIFY(shown.wait(JobTimeoutMs));
        QVERIFY(browser.openPage(QStringLiteral("customer-segments")));
        QTest::qWait(50);
        QVERIFY(browser.grab().save(QStringLiteral("%1/wiki-browser-%2.png").arg(out, name)));
        browser.showEditor();
        QTest::qWait(50);
        QVERIFY(browser.grab().save(QStringLiteral("%1/wiki-editor-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestWikiBrowser)
#include "tst_wikibrowser.moc"
