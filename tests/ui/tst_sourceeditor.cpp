// The semantic source YAML editor: validation as you type (debounced, inline
// underline + gutter marker + issue list), Ctrl+S atomic save, confirmation
// before saving errors, failed saves, undo/revert and changes made on disk.
#include "models/sourcedocument.h"
#include "models/sourceissuemodel.h"
#include "ui/codeeditor.h"
#include "ui/sourceeditor.h"

#include <QDir>
#include <QFile>
#include <QListView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include <csignal>
#include <sys/resource.h>

using namespace ktx;

namespace {

constexpr int LoadTimeoutMs = 10000;

const QByteArray ordersYaml = "name: orders\n"
                              "table: orders\n"
                              "grain:\n"
                              "  - order_id\n"
                              "columns:\n"
                              "  - name: order_id\n"
                              "    type: number\n"
                              "  - name: customer_id\n"
                              "    type: number\n"
                              "joins:\n"
                              "  - to: customers\n"
                              "    \"on\": orders.customer_id = customers.customer_id\n"
                              "    relationship: many_to_one\n"
                              "measures:\n"
                              "  - name: order_count\n"
                              "    expr: COUNT(*)\n";

const QByteArray customersYaml = "name: customers\n"
                                 "table: customers\n"
                                 "grain: [customer_id]\n"
                                 "columns:\n"
                                 "  - name: customer_id\n"
                                 "    type: number\n";

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

// Replaces the first occurrence of `from` in the editor as typing would: an
// edit through the cursor, so undo sees it.
bool typeReplace(CodeEditor *editor, const QString &from, const QString &to)
{
    const int at = editor->toPlainText().indexOf(from);
    if (at < 0)
        return false;
    QTextCursor cursor(editor->document());
    cursor.setPosition(at);
    cursor.setPosition(at + int(from.size()), QTextCursor::KeepAnchor);
    cursor.insertText(to);
    return true;
}

int lineOf(const QString &text, const QString &needle)
{
    const int at = text.indexOf(needle);
    return at < 0 ? -1 : int(text.left(at).count(QLatin1Char('\n'))) + 1;
}

} // namespace

class TestSourceEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void showsInlineErrorWithinDebounceAndClearsIt();
    void setLevelErrorsPointIntoTheFile();
    void clickingAnIssueMovesTheCursor();
    void ctrlSSavesAtomically();
    void refusesToSaveErrorsUnlessConfirmed();
    void failedSaveKeepsTheOldFile();
    void undoAndRevert();
    void followsChangesOnDisk();
    void asksBeforeDroppingEditsForChangesOnDisk();

private:
    void openOrders();
    QTemporaryDir *m_dir = nullptr;
    SourceEditor *m_editor = nullptr;
    QString m_orders;
};

void TestSourceEditor::init()
{
    m_dir = new QTemporaryDir;
    QVERIFY(m_dir->isValid());
    const QString folder = m_dir->filePath(QStringLiteral("semantic-layer/w"));
    QVERIFY(QDir().mkpath(folder));
    m_orders = folder + QStringLiteral("/orders.yaml");
    QVERIFY(writeFile(m_orders, ordersYaml));
    QVERIFY(writeFile(folder + QStringLiteral("/customers.yaml"), customersYaml));
    m_editor = new SourceEditor;
    m_editor->resize(900, 600);
    m_editor->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_editor));
    openOrders();
}

void TestSourceEditor::cleanup()
{
    delete m_editor;
    m_editor = nullptr;
    delete m_dir;
    m_dir = nullptr;
}

void TestSourceEditor::openOrders()
{
    QSignalSpy loaded(m_editor, &SourceEditor::fileLoaded);
    QSignalSpy checked(m_editor->document(), &SourceDocument::checked);
    m_editor->openFile(m_orders);
    QVERIFY(loaded.wait(LoadTimeoutMs));
    QTRY_VERIFY_WITH_TIMEOUT(checked.count() > 0, LoadTimeoutMs);
    QCOMPARE(m_editor->editor()->toPlainText().toUtf8(), ordersYaml);
    QCOMPARE(m_editor->document()->issueModel()->rowCount(), 0);
    QVERIFY(!m_editor->document()->isDirty());
}

void TestSourceEditor::showsInlineErrorWithinDebounceAndClearsIt()
{
    CodeEditor *editor = m_editor->editor();
    QSignalSpy started(m_editor->document(), &SourceDocument::checkStarted);
    QVERIFY(typeReplace(editor, QStringLiteral("many_to_one"), QStringLiteral("many_to_few")));
    QVERIFY(m_editor->document()->isDirty());
    // Typing alone starts nothing: the check waits for a pause.
    QCOMPARE(started.count(), 0);
    QVERIFY(editor->diagnostics().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!editor->diagnostics().isEmpty(),
                             SourceDocument::DefaultDebounceMs + 2000);
    QCOMPARE(started.count(), 1);

    const int line = lineOf(editor->toPlainText(), QStringLiteral("relationship: many_to_few"));
    const CodeEditor::Diagnostic d = editor->diagnostics().first();
    QVERIFY(d.isError);
    QCOMPARE(d.line, line);
    QVERIFY2(d.message.contains(QStringLiteral("many_to_few")), qPrintable(d.message));
    // The gutter marks the line, and a wavy underline covers the offending text.
    QVERIFY(editor->diagnosticAt(line));
    QVERIFY(!editor->diagnosticAt(1));
    const QList<QTextEdit::ExtraSelection> selections = editor->extraSelections();
    QCOMPARE(selections.size(), 1);
    QCOMPARE(selections.first().format.underlineStyle(), QTextCharFormat::WaveUnderline);
    QCOMPARE(editor->document()->findBlock(selections.first().cursor.selectionStart()).blockNumber()
                 + 1,
             line);
    QVERIFY(!selections.first().cursor.selectedText().isEmpty());
    QCOMPARE(m_editor->document()->issueModel()->rowCount(), 1);
    QVERIFY(m_editor->statusText().contains(QStringLiteral("1 error")));

    QVERIFY(typeReplace(editor, QStringLiteral("many_to_few"), QStringLiteral("many_to_one")));
    QTRY_VERIFY_WITH_TIMEOUT(editor->diagnostics().isEmpty(),
                             SourceDocument::DefaultDebounceMs + 2000);
    QVERIFY(editor->extraSelections().isEmpty());
    QCOMPARE(m_editor->document()->issueModel()->rowCount(), 0);
    QVERIFY(!m_editor->document()->isDirty());
}

void TestSourceEditor::setLevelErrorsPointIntoTheFile()
{
    // A join to a source the connection does not have: only the set check knows.
    CodeEditor *editor = m_editor->editor();
    QVERIFY(typeReplace(editor, QStringLiteral("to: customers"), QStringLiteral("to: clients")));
    m_editor->document()->checkNow();
    QTRY_VERIFY_WITH_TIMEOUT(!editor->diagnostics().isEmpty(), LoadTimeoutMs);
    const CodeEditor::Diagnostic d = editor->diagnostics().first();
    QVERIFY2(d.message.contains(QStringLiteral("clients")), qPrintable(d.message));
    QCOMPARE(d.line, lineOf(editor->toPlainText(), QStringLiteral("- to: clients")));
}

void TestSourceEditor::clickingAnIssueMovesTheCursor()
{
    CodeEditor *editor = m_editor->editor();
    QVERIFY(typeReplace(editor, QStringLiteral("type: number\njoins"),
                        QStringLiteral("type: numbr\njoins")));
    m_editor->document()->checkNow();
    QTRY_COMPARE_WITH_TIMEOUT(m_editor->document()->issueModel()->rowCount(), 1, LoadTimeoutMs);
    editor->moveCursor(QTextCursor::Start);
    QCOMPARE(editor->textCursor().blockNumber(), 0);
    QListView *issues = m_editor->issueView();
    const QModelIndex first = issues->model()->index(0, 0);
    QTest::mouseClick(issues->viewport(), Qt::LeftButton, {}, issues->visualRect(first).center());
    const int line = first.data(SourceIssueModel::LineRole).toInt();
    QVERIFY(line > 1);
    QCOMPARE(editor->textCursor().blockNumber() + 1, line);
    QCOMPARE(editor->textCursor().positionInBlock() + 1,
             first.data(SourceIssueModel::ColumnRole).toInt());
    QVERIFY(editor->hasFocus());
}

void TestSourceEditor::ctrlSSavesAtomically()
{
    CodeEditor *editor = m_editor->editor();
    QVERIFY(
        typeReplace(editor, QStringLiteral("COUNT(*)"), QStringLiteral("COUNT(orders.order_id)")));
    QSignalSpy saved(m_editor, &SourceEditor::fileSaved);
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_S, Qt::ControlModifier);
    QVERIFY(saved.wait(LoadTimeoutMs));
    QCOMPARE(readFile(m_orders), editor->toPlainText().toUtf8());
    QVERIFY(readFile(m_orders).contains("COUNT(orders.order_id)"));
    QVERIFY(!m_editor->document()->isDirty());
    // The temporary file was renamed over the target: nothing else is left behind.
    const QStringList files = QDir(QFileInfo(m_orders).absolutePath()).entryList(QDir::Files);
    QCOMPARE(files,
             (QStringList {QStringLiteral("customers.yaml"), QStringLiteral("orders.yaml")}));
}

void TestSourceEditor::refusesToSaveErrorsUnlessConfirmed()
{
    int asked = 0;
    bool answer = false;
    m_editor->setConfirmInvalidSave([&](int errors) {
        ++asked;
        return errors > 0 && answer;
    });
    QVERIFY(typeReplace(m_editor->editor(), QStringLiteral("many_to_one"),
                        QStringLiteral("many_to_few")));
    // Save right away, inside the debounce: the decision waits for the check.
    m_editor->saveAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(asked, 1, LoadTimeoutMs);
    QTest::qWait(200);
    QCOMPARE(readFile(m_orders), ordersYaml);
    QVERIFY(m_editor->document()->isDirty());

    answer = true;
    QSignalSpy saved(m_editor, &SourceEditor::fileSaved);
    m_editor->saveAction()->trigger();
    QVERIFY(saved.wait(LoadTimeoutMs));
    QCOMPARE(asked, 2);
    QVERIFY(readFile(m_orders).contains("many_to_few"));
}

void TestSourceEditor::failedSaveKeepsTheOldFile()
{
    // Root may write anywhere, so the failure is a file size limit: the temporary
    // file cannot grow past it, the write fails, and the rename never happens.
    struct rlimit old
    {
    };
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    CodeEditor *editor = m_editor->editor();
    QTextCursor end(editor->document());
    end.movePosition(QTextCursor::End);
    end.insertText(QString(QStringLiteral("# %1\n")).arg(QString(4096, QLatin1Char('x'))));
    struct rlimit small = old;
    small.rlim_cur = 1024;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    QSignalSpy failed(m_editor, &SourceEditor::saveFailed);
    QSignalSpy saved(m_editor, &SourceEditor::fileSaved);
    m_editor->save();
    const bool gotFailure = failed.wait(LoadTimeoutMs);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, previousHandler);
    // Fails while AtomicFile trusts QSaveFile::commit() alone: Qt 6.4 commits a
    // truncated file when a buffered write fails part-way; flush() reports it.
    QVERIFY2(gotFailure, "AtomicFile::write reported success for a write that hit the size limit");
    QCOMPARE(saved.count(), 0);
    QCOMPARE(readFile(m_orders), ordersYaml);
    QVERIFY(m_editor->document()->isDirty());
    QVERIFY(m_editor->statusText().startsWith(QStringLiteral("Not saved")));
    const QStringList files = QDir(QFileInfo(m_orders).absolutePath()).entryList(QDir::Files);
    QCOMPARE(files,
             (QStringList {QStringLiteral("customers.yaml"), QStringLiteral("orders.yaml")}));
    // The text is still there; a save without the limit succeeds.
    m_editor->save();
    QVERIFY(saved.wait(LoadTimeoutMs));
    QVERIFY(readFile(m_orders).size() > 4096);
}

void TestSourceEditor::undoAndRevert()
{
    CodeEditor *editor = m_editor->editor();
    QVERIFY(
        typeReplace(editor, QStringLiteral("orders.customer_id"), QStringLiteral("orders.cust")));
    QVERIFY(m_editor->document()->isDirty());
    QVERIFY(m_editor->revertAction()->isEnabled());
    editor->undo();
    QCOMPARE(editor->toPlainText().toUtf8(), ordersYaml);
    QVERIFY(!m_editor->document()->isDirty());
    QVERIFY(typeReplace(editor, QStringLiteral("order_count"), QStringLiteral("orders_count")));
    m_editor->revertAction()->trigger();
    QCOMPARE(editor->toPlainText().toUtf8(), ordersYaml);
    QVERIFY(!m_editor->document()->isDirty());
    // A revert is itself undoable.
    editor->undo();
    QVERIFY(editor->toPlainText().contains(QStringLiteral("orders_count")));
}

void TestSourceEditor::followsChangesOnDisk()
{
    int asked = 0;
    m_editor->setConfirmReload([&] {
        ++asked;
        return true;
    });
    QByteArray changed = ordersYaml;
    changed.replace("COUNT(*)", "COUNT(DISTINCT orders.order_id)");
    QVERIFY(writeFile(m_orders, changed));
    // No local edits: the editor follows the file without asking.
    QTRY_COMPARE_WITH_TIMEOUT(m_editor->editor()->toPlainText().toUtf8(), changed, LoadTimeoutMs);
    QCOMPARE(asked, 0);
    QVERIFY(!m_editor->document()->isDirty());
}

void TestSourceEditor::asksBeforeDroppingEditsForChangesOnDisk()
{
    int asked = 0;
    bool reload = false;
    m_editor->setConfirmReload([&] {
        ++asked;
        return reload;
    });
    QVERIFY(
        typeReplace(m_editor->editor(), QStringLiteral("order_count"), QStringLiteral("orders_n")));
    QByteArray changed = ordersYaml;
    changed.replace("COUNT(*)", "COUNT(1)");
    QVERIFY(writeFile(m_orders, changed));
    QTRY_COMPARE_WITH_TIMEOUT(asked, 1, LoadTimeoutMs);
    // Keeping the edits keeps them (and does not ask again for the same change).
    QVERIFY(m_editor->editor()->toPlainText().contains(QStringLiteral("orders_n")));
    QTest::qWait(200);
    QCOMPARE(asked, 1);

    reload = true;
    QByteArray again = ordersYaml;
    again.replace("COUNT(*)", "COUNT(2)");
    QVERIFY(writeFile(m_orders, again));
    QTRY_COMPARE_WITH_TIMEOUT(m_editor->editor()->toPlainText().toUtf8(), again, LoadTimeoutMs);
    QCOMPARE(asked, 2);
    QVERIFY(!m_editor->document()->isDirty());
}

QTEST_MAIN(TestSourceEditor)
#include "tst_sourceeditor.moc"
