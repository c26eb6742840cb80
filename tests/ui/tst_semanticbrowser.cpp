// The semantic-layer area on the demo project's ingested sources: the tree,
// the detail pane, the editor opening at the selected entry's line, and the
// tree following a saved change.
#include "demo/demoproject.h"
#include "ingest/structuralingest.h"
#include "models/semanticsourcemodel.h"
#include "models/sourcedocument.h"
#include "project/configloader.h"
#include "project/projectconfig.h"
#include "ui/codeeditor.h"
#include "ui/colorscheme.h"
#include "ui/semanticbrowser.h"
#include "ui/sourceeditor.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeView>

using namespace ktx;

namespace {

constexpr int JobTimeoutMs = 60000;

QModelIndex childNamed(const QAbstractItemModel *model, const QModelIndex &parent,
                       const QString &name)
{
    for (int r = 0; r < model->rowCount(parent); ++r) {
        const QModelIndex i = model->index(r, 0, parent);
        if (i.data(SemanticSourceModel::NameRole).toString() == name)
            return i;
    }
    return {};
}

} // namespace

class TestSemanticBrowser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void treeShowsTheIngestedSources();
    void selectingAMeasureOpensItsLine();
    void savingReloadsTheTree();
    void screenshots();

private:
    QTemporaryDir m_root;
    QString m_project;
};

void TestSemanticBrowser::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_root.isValid());
    m_project = m_root.filePath(QStringLiteral("demo"));
    const Result<void> created = DemoProject::create(m_project);
    QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().toText()));
    Result<LoadedConfig> loaded
        = ConfigLoader::loadFile(QDir(m_project).filePath(QStringLiteral("ktx.yaml")));
    QVERIFY(loaded.ok());
    const ConnectionConfig *connection = loaded->config.connection(DemoProject::connectionId());
    QVERIFY(connection);
    const auto result = StructuralIngest::run(m_project, loaded->config, *connection);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toText()));
}

void TestSemanticBrowser::treeShowsTheIngestedSources()
{
    SemanticBrowser browser;
    QAbstractItemModelTester tester(browser.model(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    browser.resize(1200, 760);
    browser.show();
    QSignalSpy shown(&browser, &SemanticBrowser::sourcesShown);
    browser.setProject(m_project);
    QVERIFY(shown.wait(JobTimeoutMs));
    SemanticSourceModel *model = browser.model();
    QCOMPARE(model->connectionIds(), QStringList {DemoProject::connectionId()});
    const QModelIndex connection = model->connectionIndex(DemoProject::connectionId());
    QCOMPARE(model->rowCount(connection), 14);
    const QModelIndex orders
        = model->sourceIndex(DemoProject::connectionId(), QStringLiteral("orders"));
    QVERIFY(orders.isValid());
    QCOMPARE(model->rowCount(orders), 4);
    const QModelIndex joins = model->index(2, 0, orders);
    QCOMPARE(joins.data().toString(), QStringLiteral("Joins"));
    QVERIFY(childNamed(model, joins, QStringLiteral("customers")).isValid());
    QVERIFY(browser.treeView()->isExpanded(
        browser.treeView()->model()->index(0, 0))); // the first connection starts open
}

void TestSemanticBrowser::selectingAMeasureOpensItsLine()
{
    SemanticBrowser browser;
    browser.resize(1200, 760);
    browser.show();
    QSignalSpy shown(&browser, &SemanticBrowser::sourcesShown);
    browser.setProject(m_project);
    QVERIFY(shown.wait(JobTimeoutMs));
    SemanticSourceModel *model = browser.model();
    const QModelIndex orders
        = model->sourceIndex(DemoProject::connectionId(), QStringLiteral("orders"));
    const QModelIndex measure = model->index(0, 0, model->index(1, 0, orders));
    QCOMPARE(measure.data(SemanticSourceModel::NameRole).toString(), QStringLiteral("row_count"));
    const int line = measure.data(SemanticSourceModel::LineRole).toInt();
    QVERIFY(line > 1);
    QSignalSpy loaded(browser.sourceEditor(), &SourceEditor::fileLoaded);
    auto *proxy = browser.treeView()->model();
    QModelIndex viewIndex;
    // Find the measure through the view's (filter) model.
    const QModelIndex c = proxy->index(0, 0);
    for (int s = 0; s < proxy->rowCount(c) && !viewIndex.isValid(); ++s) {
        const QModelIndex src = proxy->index(s, 0, c);
        if (src.data(SemanticSourceModel::NameRole).toString() == QLatin1String("orders"))
            viewIndex = proxy->index(0, 0, proxy->index(1, 0, src));
    }
    QVERIFY(viewIndex.isValid());
    browser.treeView()->setCurrentIndex(viewIndex);
    QVERIFY(loaded.wait(JobTimeoutMs));
    CodeEditor *editor = browser.sourceEditor()->editor();
    QCOMPARE(editor->textCursor().blockNumber() + 1, line);
    QVERIFY(editor->textCursor().block().text().contains(QStringLiteral("row_count")));
    QVERIFY(browser.detailView()->toPlainText().contains(QStringLiteral("COUNT(*)")));
    QVERIFY(browser.detailView()->toPlainText().contains(QStringLiteral("orders.yaml")));
}

void TestSemanticBrowser::savingReloadsTheTree()
{
    SemanticBrowser browser;
    browser.resize(1200, 760);
    browser.show();
    QSignalSpy shown(&browser, &SemanticBrowser::sourcesShown);
    browser.setProject(m_project);
    QVERIFY(shown.wait(JobTimeoutMs));
    QSignalSpy loaded(browser.sourceEditor(), &SourceEditor::fileLoaded);
    QVERIFY(browser.selectSource(DemoProject::connectionId(), QStringLiteral("plans")));
    QVERIFY(loaded.wait(JobTimeoutMs));
    CodeEditor *editor = browser.sourceEditor()->editor();
    QTextCursor end(editor->document());
    end.movePosition(QTextCursor::End);
    end.insertText(QStringLiteral("  - name: plan_total\n    expr: COUNT(*)\n"));
    QSignalSpy saved(browser.sourceEditor(), &SourceEditor::fileSaved);
    shown.clear();
    browser.sourceEditor()->save();
    QVERIFY(saved.wait(JobTimeoutMs));
    QVERIFY(shown.wait(JobTimeoutMs));
    const QModelIndex plans
        = browser.model()->sourceIndex(DemoProject::connectionId(), QStringLiteral("plans"));
    const QModelIndex measures = browser.model()->index(1, 0, plans);
    QVERIFY(childNamed(browser.model(), measures, QStringLiteral("plan_total")).isValid());
    // The selection came back, and the editor kept its file and its cursor.
    QVERIFY(browser.treeView()->currentIndex().isValid());
    QCOMPARE(browser.treeView()->currentIndex().data(SemanticSourceModel::NameRole).toString(),
             QStringLiteral("plans"));
    QVERIFY(browser.sourceEditor()->filePath().endsWith(QStringLiteral("plans.yaml")));
}

void TestSemanticBrowser::screenshots()
{
    const QString out = qEnvironmentVariable("KTX_SCREENSHOT_DIR");
    if (out.isEmpty())
        QSKIP("set KTX_SCREENSHOT_DIR to write screenshots");
    for (const auto &[scheme, name] :
         {std::pair {ColorScheme::Scheme::Light, "light"}, {ColorScheme::Scheme::Dark, "dark"}}) {
        ColorScheme::apply(scheme);
        SemanticBrowser browser;
        browser.resize(1280, 800);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        QSignalSpy shown(&browser, &SemanticBrowser::sourcesShown);
        browser.setProject(m_project);
        QVERIFY(shown.wait(JobTimeoutMs));
        QSignalSpy loaded(browser.sourceEditor(), &SourceEditor::fileLoaded);
        QVERIFY(browser.selectSource(DemoProject::connectionId(), QStringLiteral("orders")));
        QVERIFY(loaded.wait(JobTimeoutMs));
        browser.treeView()->expand(browser.treeView()->currentIndex());
        CodeEditor *editor = browser.sourceEditor()->editor();
        // A typo in a relationship, as someone might type it.
        const int at = editor->toPlainText().indexOf(QStringLiteral("many_to_one"));
        QVERIFY(at >= 0);
        QTextCursor cursor(editor->document());
        cursor.setPosition(at);
        cursor.setPosition(at + 11, QTextCursor::KeepAnchor);
        cursor.insertText(QStringLiteral("many_to_on"));
        QTRY_VERIFY_WITH_TIMEOUT(!editor->diagnostics().isEmpty(), JobTimeoutMs);
        editor->goTo(editor->diagnostics().first().line, 1);
        QTest::qWait(50);
        QVERIFY(
            browser.grab().save(QStringLiteral("%1/semantic-editor-error-%2.png").arg(out, name)));
    }
}

QTEST_MAIN(TestSemanticBrowser)
#include "tst_semanticbrowser.moc"
