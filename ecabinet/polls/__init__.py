"""Written polls between sessions (phiếu lấy ý kiến thành viên bằng văn bản): a body's secretariat
asks its members in writing, they answer until a deadline, the poll closes by itself or by the chair."""
