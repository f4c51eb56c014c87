-- A student's class as the mentor writes it (9А, 10 Б): shown in the
-- header of the student's messages to the mentor. NULL: not known.
ALTER TABLE mentor_students ADD COLUMN class_name TEXT;
