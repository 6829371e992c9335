"""The edition's own search index, written from the edition model beside MkDocs."""
