// The room display (projector / TV): the presented page full screen, the current item, who speaks.
// No login: its socket and the document file use the display token in the URL fragment.
import "./room.js";
import "./viewer.js";
import "./panels.js";
