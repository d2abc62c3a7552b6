fn main() {
    atp_explorer::start();
}
