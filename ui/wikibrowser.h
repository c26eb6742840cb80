#pragma once

#include "wiki/wikipage.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QTabWidget;
class QTextBrowser;
class QTimer;

class QUrl;

namespace ktx {

class CodeEditor;
class WikiPageListModel;

// The "Wiki" area: search the project's pages (the same index `ktx wiki` and
// agents use), read a page as rendered Markdown, and edit it — front-matter as a
// form (summary, tags, refs, sl_refs, usage_mode), the body as Markdown — saved
// atomically through WikiStore, which refuses a page without a summary or with
// references to pages that do not exist. Reads, searches and saves run on the
// thread pool.
class WikiBrowser : public QWidget
{
    Q_OBJECT

public:
    // The user whose pages (wiki/user/<id>/) are listed beside the global ones.
    static QString defaultUserId() { return QStringLiteral("local"); }

    explicit WikiBrowser(QWidget *parent = nullptr);
    ~WikiBrowser() override;

    void setProject(const QString &projectDir);
    void clear();

    WikiPageListModel *pageModel() const { return m_pages; }
    QListView *pageList() const { return m_list; }
    QLineEdit *searchEdit() const { return m_search; }
    QTextBrowser *readView() const { return m_read; }
    QLineEdit *summaryEdit() const { return m_summary; }
    QLineEdit *tagsEdit() const { return m_tags; }
    QLineEdit *refsEdit() const { return m_refs; }
    QLineEdit *slRefsEdit() const { return m_slRefs; }
    QComboBox *usageModeCombo() const { return m_usageMode; }
    CodeEditor *bodyEditor() const { return m_body; }
    QString errorText() const { return m_error; }
    QString currentKey() const;
    bool isDirty() const { return m_dirty; }

    // Opens a page by key in the list; false when it is not listed.
    bool openPage(const QString &key);
    // Opens the page a `ktx-wiki:<key>` link names, listing every page again
    // when it is not listed; other links are ignored.
    void followLink(const QUrl &url);
    static constexpr const char *LinkScheme = "ktx-wiki";
    // Starts a new global page with this key in the editor (saved on Save).
    void newPage(const QString &key);
    void showEditor();
    void showReader();

public Q_SLOTS:
    void save();
    void revert();
    void search();

Q_SIGNALS:
    void pagesShown(); // the list shows all pages or a search's hits
    void pageShown(const QString &key);
    void pageSaved(const QString &key);
    void saveFailed(const QString &message);

private:
    void loadAll();
    void showPage(const WikiPage &page);
    void fillEditor(const WikiPage &page);
    WikiPage pageFromEditor() const;
    void setDirty(bool dirty);
    void showError(const QString &text);

    QString m_projectDir;
    quint64 m_listGeneration = 0;
    std::optional<WikiPage> m_current;
    bool m_isNew = false;
    bool m_dirty = false;
    bool m_filling = false;
    bool m_saving = false;
    QString m_error;

    WikiPageListModel *m_pages;
    QTimer *m_searchTimer;
    QLineEdit *m_search;
    QListView *m_list;
    QLabel *m_listStatus;
    QPushButton *m_newButton;
    QTabWidget *m_tabs;
    QLabel *m_header;
    QTextBrowser *m_read;
    QLabel *m_errorBanner;
    QLineEdit *m_summary;
    QLineEdit *m_tags;
    QLineEdit *m_refs;
    QLineEdit *m_slRefs;
    QComboBox *m_usageMode;
    CodeEditor *m_body;
    QPushButton *m_saveButton;
    QPushButton *m_revertButton;
    QLabel *m_editStatus;
};

} // namespace ktx
