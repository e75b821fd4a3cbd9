"""The library: what the window and the command line show of the archive, one read path
for both. A page of the conversation list (listing), one conversation as the vendor's app
shows it (conversation), search as you type (search), the files messages point at (files).
Plain functions over the same App as imports; every call is bounded.

    rows = list_page(app, "default", after=rows[-1].cursor)
    view = read_conversation(app, "default", conversation_id, choices={parent: child})
    results = search(app, "default", "sourdough star")

This module only gathers the four; its callers need not know which holds what.
"""

from desktop_importer.library.conversation import ROLE_NAMES as ROLE_NAMES
from desktop_importer.library.conversation import ReaderConversation as ReaderConversation
from desktop_importer.library.conversation import ReaderMessage as ReaderMessage
from desktop_importer.library.conversation import ShownConversation as ShownConversation
from desktop_importer.library.conversation import ShownMessage as ShownMessage
from desktop_importer.library.conversation import branch as branch
from desktop_importer.library.conversation import read_conversation as read_conversation
from desktop_importer.library.conversation import read_conversations as read_conversations
from desktop_importer.library.conversation import show_conversation as show_conversation
from desktop_importer.library.conversation import speaker as speaker
from desktop_importer.library.files import RISKY_EXTENSIONS as RISKY_EXTENSIONS
from desktop_importer.library.files import RISKY_TYPES as RISKY_TYPES
from desktop_importer.library.files import SHOWN_IMAGES as SHOWN_IMAGES
from desktop_importer.library.files import MediaFile as MediaFile
from desktop_importer.library.files import MediaRef as MediaRef
from desktop_importer.library.files import safe_file_name as safe_file_name
from desktop_importer.library.files import safe_to_open as safe_to_open
from desktop_importer.library.files import save_copy as save_copy
from desktop_importer.library.files import temporary_copy as temporary_copy
from desktop_importer.library.listing import PAGE as PAGE
from desktop_importer.library.listing import ListRow as ListRow
from desktop_importer.library.listing import conversation_heads as conversation_heads
from desktop_importer.library.listing import every_conversation as every_conversation
from desktop_importer.library.listing import list_conversations as list_conversations
from desktop_importer.library.listing import list_page as list_page
from desktop_importer.library.listing import published_version as published_version
from desktop_importer.library.listing import vendors as vendors
from desktop_importer.library.projects import MemoryView as MemoryView
from desktop_importer.library.projects import ProjectRow as ProjectRow
from desktop_importer.library.projects import ProjectView as ProjectView
from desktop_importer.library.projects import grouped_projects as grouped_projects
from desktop_importer.library.projects import kept_counts as kept_counts
from desktop_importer.library.projects import list_projects as list_projects
from desktop_importer.library.projects import name_project as name_project
from desktop_importer.library.projects import project_names as project_names
from desktop_importer.library.projects import read_memories as read_memories
from desktop_importer.library.projects import read_project as read_project
from desktop_importer.library.search import EXCERPT_WORDS as EXCERPT_WORDS
from desktop_importer.library.search import MATCH_END as MATCH_END
from desktop_importer.library.search import MATCH_START as MATCH_START
from desktop_importer.library.search import SEARCH_LIMIT as SEARCH_LIMIT
from desktop_importer.library.search import SHORT_PREFIX as SHORT_PREFIX
from desktop_importer.library.search import TITLE_WEIGHT as TITLE_WEIGHT
from desktop_importer.library.search import FoundInConversation as FoundInConversation
from desktop_importer.library.search import SearchHit as SearchHit
from desktop_importer.library.search import SearchResult as SearchResult
from desktop_importer.library.search import find_in_conversation as find_in_conversation
from desktop_importer.library.search import fts_query as fts_query
from desktop_importer.library.search import mark as mark
from desktop_importer.library.search import match_spans as match_spans
from desktop_importer.library.search import plain_marks as plain_marks
from desktop_importer.library.search import search as search
from desktop_importer.library.search import search_archive as search_archive
from desktop_importer.library.search import words_of as words_of
